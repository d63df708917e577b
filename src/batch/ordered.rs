//! An ordered parallel map over a stream: items are read on the calling thread,
//! worked on by a fixed set of worker threads, and handed back on the calling
//! thread in input order, with at most a window of items in flight.
//!
//! Why not a chunked `par_iter` (what the batch did before): each chunk ended in a
//! barrier, where every worker but the one with the chunk's slowest document sat
//! idle, and reading the next chunk and writing the last one's results ran while
//! no worker mapped. Here the calling thread reads, and writes results as soon as
//! their turn comes, while the workers keep mapping; the only wait is for the
//! oldest item in flight, and only once the window is full behind it.
//!
//! Memory stays flat: an item counts against the window from the moment it is
//! read until its result has been handed on, so neither the queue of items to do
//! nor the results waiting for an earlier one to finish grow past the window.
//!
//! Items travel in small runs (`RUN_LEN` consecutive items), each run taken by
//! one worker and its results sent back together: one item at a time, the calling
//! thread was woken for every document, which cost four context switches per
//! document and a sixth more system time than mapping on two threads needs.

use std::collections::VecDeque;
use std::panic::{self, AssertUnwindSafe};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver, Sender};
use std::sync::Mutex;

/// Consecutive items a worker takes at once, at most: enough to wake the calling
/// thread an eighth as often as item by item, few enough that the last run of a
/// batch leaves the other workers idle only briefly. Smaller when the window would
/// otherwise hold fewer than two runs per worker.
const RUN_LEN: usize = 8;

/// A worker's answer for a run of items: their results, or the payload of a panic
/// while working on one (re-raised on the calling thread).
type Outcome<U> = std::thread::Result<Vec<U>>;

/// Why the run stopped early.
enum Stopped<E> {
    /// The sink returned an error.
    Sink(E),
    /// A worker panicked; the panic goes on on the calling thread.
    Panic(Box<dyn std::any::Any + Send>),
}

/// Maps `items` with `work` on `workers` threads (at least one) and hands each
/// result to `sink` on the calling thread, in input order, with at most `window`
/// items (at least one) read and not yet handed on.
///
/// The first error `sink` returns stops the run: no further item is read or
/// started, the workers finish the item they hold, and the error is returned. A
/// panic in `work` is re-raised here after the workers have stopped. Fails with the
/// spawn error when not even one worker thread can be started; fewer than asked
/// run when only some can.
pub fn run<T, U, E, W, S>(
    workers: usize,
    window: usize,
    items: impl IntoIterator<Item = T>,
    work: W,
    sink: S,
) -> Result<Result<(), E>, std::io::Error>
where
    T: Send,
    U: Send,
    W: Fn(T) -> U + Sync,
    S: FnMut(U) -> Result<(), E>,
{
    let window = window.max(1);
    let workers = workers.max(1);
    let run_len = RUN_LEN.min(window / (2 * workers)).max(1);
    let (todo_tx, todo_rx) = mpsc::channel::<(usize, Vec<T>)>();
    let (done_tx, done_rx) = mpsc::channel::<(usize, Outcome<U>)>();
    // Workers take their next run through the lock: one lock per run, held only to
    // receive, against mapping work of a millisecond or more per document.
    let todo_rx = Mutex::new(todo_rx);
    let stop = AtomicBool::new(false);
    let (todo_rx, stop, work) = (&todo_rx, &stop, &work);

    let stopped = std::thread::scope(|scope| {
        let mut started = 0;
        let mut spawn_error = None;
        for i in 0..workers {
            let done_tx = done_tx.clone();
            let spawned = std::thread::Builder::new()
                .name(format!("mentionmap-batch-{i}"))
                .spawn_scoped(scope, move || worker(todo_rx, done_tx, stop, work));
            match spawned {
                Ok(_) => started += 1,
                Err(e) => {
                    spawn_error = Some(e);
                    break;
                }
            }
        }
        // Only the workers hold senders now: when they have all gone, `recv` fails
        // instead of waiting for ever.
        drop(done_tx);
        if started == 0 {
            return Err(spawn_error.expect("no worker started, so a spawn failed"));
        }
        let outcome = feed_and_collect(window, run_len, items, &todo_tx, &done_rx, sink);
        // Whatever happened, let the workers go: those waiting for an item see the
        // queue closed, and after an early stop the rest skip what is queued.
        stop.store(outcome.is_err(), Ordering::Relaxed);
        drop(todo_tx);
        Ok(outcome)
    })?;
    Ok(match stopped {
        Ok(()) => Ok(()),
        Err(Stopped::Sink(e)) => Err(e),
        Err(Stopped::Panic(payload)) => panic::resume_unwind(payload),
    })
}

/// One worker: takes numbered runs of items until the queue closes, and sends each
/// run's results (or the panic one raised) back with its number.
fn worker<T, U, W>(
    todo: &Mutex<Receiver<(usize, Vec<T>)>>,
    done: Sender<(usize, Outcome<U>)>,
    stop: &AtomicBool,
    work: &W,
) where
    W: Fn(T) -> U,
{
    loop {
        // A poisoned lock cannot happen (nothing panics while holding it), but
        // if it did, the queue is still sound.
        let next = todo.lock().unwrap_or_else(|p| p.into_inner()).recv();
        let Ok((seq, items)) = next else { return };
        if stop.load(Ordering::Relaxed) {
            return;
        }
        let outcome = panic::catch_unwind(AssertUnwindSafe(|| {
            items.into_iter().map(work).collect::<Vec<U>>()
        }));
        if done.send((seq, outcome)).is_err() {
            return;
        }
    }
}

/// The calling thread's part: keeps up to `window` items in flight in runs of
/// `run_len`, and hands results on in order as they become ready.
fn feed_and_collect<T, U, E, S>(
    window: usize,
    run_len: usize,
    items: impl IntoIterator<Item = T>,
    todo: &Sender<(usize, Vec<T>)>,
    done: &Receiver<(usize, Outcome<U>)>,
    mut sink: S,
) -> Result<(), Stopped<E>>
where
    S: FnMut(U) -> Result<(), E>,
{
    let mut items = items.into_iter().fuse();
    // Runs that came back before an earlier one, by run number from `next_out`.
    let mut waiting: VecDeque<Option<Vec<U>>> = VecDeque::new();
    // Items read and not yet handed on; runs sent and runs handed on.
    let mut in_flight = 0usize;
    let (mut next_in, mut next_out) = (0usize, 0usize);
    loop {
        while in_flight < window {
            let run: Vec<T> = items
                .by_ref()
                .take(run_len.min(window - in_flight))
                .collect();
            if run.is_empty() {
                break;
            }
            in_flight += run.len();
            // The workers outlive this function, so the queue is open.
            if todo.send((next_in, run)).is_err() {
                break;
            }
            next_in += 1;
        }
        if next_in == next_out {
            return Ok(());
        }
        // Some run is in flight, so some worker will answer (or all have gone,
        // which only a panic outside `catch_unwind` could cause).
        let Ok((seq, outcome)) = done.recv() else {
            return Ok(());
        };
        let results = outcome.map_err(Stopped::Panic)?;
        let slot = seq - next_out;
        if waiting.len() <= slot {
            waiting.resize_with(slot + 1, || None);
        }
        waiting[slot] = Some(results);
        while let Some(Some(_)) = waiting.front() {
            let Some(Some(ready)) = waiting.pop_front() else {
                unreachable!("the front was just seen to be ready")
            };
            next_out += 1;
            for result in ready {
                in_flight -= 1;
                sink(result).map_err(Stopped::Sink)?;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::AtomicUsize;
    use std::time::Duration;

    /// Items that take longer the earlier they come finish out of order; the sink
    /// still sees them in order.
    #[test]
    fn results_come_in_input_order() {
        let mut seen = Vec::new();
        let r = run(
            3,
            16,
            0..200u64,
            |i| {
                std::thread::sleep(Duration::from_micros((200 - i) % 7 * 50));
                i * 2
            },
            |v| {
                seen.push(v);
                Ok::<(), ()>(())
            },
        );
        assert!(matches!(r, Ok(Ok(()))));
        assert_eq!(seen, (0..200).map(|i| i * 2).collect::<Vec<_>>());
    }

    /// No more than the window is ever read and not handed on.
    #[test]
    fn in_flight_never_exceeds_the_window() {
        let read = AtomicUsize::new(0);
        let mut handed = 0usize;
        let mut most = 0usize;
        let items = (0..500).inspect(|_| {
            read.fetch_add(1, Ordering::SeqCst);
        });
        let r = run(
            2,
            8,
            items,
            |i: i32| i,
            |_| {
                most = most.max(read.load(Ordering::SeqCst) - handed);
                handed += 1;
                Ok::<(), ()>(())
            },
        );
        assert!(matches!(r, Ok(Ok(()))));
        assert_eq!(handed, 500);
        assert!(most <= 8, "{most} items in flight with a window of 8");
    }

    /// A sink error stops the run: it is returned, and reading stops near there.
    #[test]
    fn a_sink_error_stops_reading() {
        let read = AtomicUsize::new(0);
        let items = (0..10_000).inspect(|_| {
            read.fetch_add(1, Ordering::SeqCst);
        });
        let r = run(
            2,
            4,
            items,
            |i: i32| i,
            |v| if v == 10 { Err(v) } else { Ok(()) },
        );
        assert!(matches!(r, Ok(Err(10))));
        assert!(read.load(Ordering::SeqCst) <= 10 + 1 + 4);
    }

    /// A panic while working on an item reaches the caller instead of hanging.
    #[test]
    fn a_worker_panic_is_raised_on_the_caller() {
        let caught = panic::catch_unwind(|| {
            let _ = run(
                2,
                4,
                0..100,
                |i: i32| {
                    assert!(i != 37, "item 37");
                    i
                },
                |_| Ok::<(), ()>(()),
            );
        });
        let payload = caught.expect_err("the panic must come through");
        let text = payload
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_default();
        assert!(text.contains("item 37"), "{text}");
    }

    /// One worker and a window of one still map everything, in order.
    #[test]
    fn one_worker_one_slot() {
        let mut seen = Vec::new();
        let r = run(1, 1, ["a", "b", "c"], str::to_uppercase, |v| {
            seen.push(v);
            Ok::<(), ()>(())
        });
        assert!(matches!(r, Ok(Ok(()))));
        assert_eq!(seen, ["A", "B", "C"]);
    }
}
