//! Writing a final file so that it is either the whole new file or the earlier one,
//! never a truncated mix: the bytes go to a temporary file beside the target (same
//! directory, so the same file system), which is flushed, synced to disk and then
//! renamed over the target. A run killed mid-write (SIGKILL, Ctrl-C), a full disk or
//! any write error leaves the earlier file untouched under the final name.
//!
//! A target that exists and is not a regular file (`/dev/null`, `/dev/stdout`, a
//! named pipe) is written in place, since renaming over it would replace the device;
//! a symbolic link to a file has the file it points to replaced, and stays a link.
//!
//! The temporary file is hidden and names its writer: `.NAME.PID.N.tmp`. It is
//! removed on any error and when an [`AtomicFile`] is dropped without
//! [`AtomicFile::commit`]. The files being written are also listed, so that the
//! command's interrupt handler (Ctrl-C, SIGTERM, SIGHUP) removes them with
//! [`remove_unfinished`] before the process ends; only a process killed outright
//! (SIGKILL, a power cut) leaves one behind, never under the final name.
//!
//! Every command that writes a final file uses this: `map -o`, `--html`,
//! `--aggregate`, `--out-dir`, `gazetteer build`/`download` and the eval reports.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, PoisonError};

use crate::error::Error;

/// Buffer of the writer: large enough that a GeoJSON collection is written in few
/// system calls, small enough to cost nothing beside the mapping.
const BUFFER_BYTES: usize = 1 << 16;

/// Tells apart the temporary files of several writers in one process.
static NEXT_TMP: AtomicU64 = AtomicU64::new(0);

/// The temporary files of every [`AtomicFile`] of this process not yet committed or
/// dropped: what an interrupted process must remove.
static UNFINISHED: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

fn unfinished() -> std::sync::MutexGuard<'static, Vec<PathBuf>> {
    // A list of paths stays valid whatever panicked while it was held.
    UNFINISHED.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Forgets `tmp` as unfinished (committed, or removed by its writer).
fn finished(tmp: &Path) {
    let mut list = unfinished();
    if let Some(i) = list.iter().position(|p| p == tmp) {
        list.swap_remove(i);
    }
}

/// Removes the temporary file of every [`AtomicFile`] still being written, leaving
/// the earlier files under the final names. For a handler of an interrupt that is
/// about to end the process: writers still running afterwards will fail.
pub fn remove_unfinished() {
    for tmp in unfinished().drain(..) {
        let _ = std::fs::remove_file(tmp);
    }
}

/// How an [`AtomicFile`] is written.
#[derive(Debug, Clone, Copy)]
pub struct AtomicOptions {
    sync: bool,
}

impl Default for AtomicOptions {
    fn default() -> Self {
        AtomicOptions { sync: true }
    }
}

impl AtomicOptions {
    /// Options with the defaults (sync before rename).
    pub fn new() -> Self {
        Self::default()
    }

    /// Whether to sync the data to disk before the rename (default true). Without
    /// it the file is still whole or absent after a killed process or a full disk
    /// (the kernel keeps the written pages); only a power cut right after the run
    /// could lose it. A sync costs a few milliseconds, which matters only for
    /// thousands of small files (`--out-dir`).
    pub fn sync(mut self, yes: bool) -> Self {
        self.sync = yes;
        self
    }

    /// Starts writing `path` (nothing changes under that name until
    /// [`AtomicFile::commit`]).
    pub fn create(self, path: &Path) -> Result<AtomicFile, Error> {
        self.create_io(path).map_err(|e| output_error(path, &e))
    }

    /// [`AtomicOptions::create`] with the operating system's error, for callers
    /// that tell a full disk from a bad name.
    pub fn create_io(self, path: &Path) -> std::io::Result<AtomicFile> {
        let target = match std::fs::metadata(path) {
            // `/dev/null`, `/dev/stdout`, a named pipe: written in place. Renaming a
            // file over one would replace the device itself.
            Ok(m) if !m.is_file() => {
                let file = File::options().write(true).open(path)?;
                return Ok(AtomicFile {
                    path: path.to_path_buf(),
                    tmp: None,
                    file: Some(BufWriter::with_capacity(BUFFER_BYTES, file)),
                    sync: false,
                });
            }
            // A link to a file: replace the file it points to, keep the link.
            Ok(_) => std::fs::canonicalize(path)?,
            Err(_) => path.to_path_buf(),
        };
        let tmp = tmp_path(&target);
        let file = File::create(&tmp)?;
        unfinished().push(tmp.clone());
        Ok(AtomicFile {
            path: target,
            tmp: Some(tmp),
            file: Some(BufWriter::with_capacity(BUFFER_BYTES, file)),
            sync: self.sync,
        })
    }
}

/// A file being written beside its final name; see the module docs.
#[derive(Debug)]
pub struct AtomicFile {
    path: PathBuf,
    /// `None` when writing in place (a device or pipe).
    tmp: Option<PathBuf>,
    /// `None` once committed.
    file: Option<BufWriter<File>>,
    sync: bool,
}

impl AtomicFile {
    /// Starts writing `path` with the default options.
    pub fn create(path: &Path) -> Result<AtomicFile, Error> {
        AtomicOptions::new().create(path)
    }

    /// The final path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Flushes, syncs (unless turned off) and renames the file into place.
    pub fn commit(self) -> Result<(), Error> {
        let path = self.path.clone();
        self.commit_io().map_err(|e| output_error(&path, &e))
    }

    /// [`AtomicFile::commit`] with the operating system's error.
    pub fn commit_io(mut self) -> std::io::Result<()> {
        let Some(w) = self.file.take() else {
            return Ok(());
        };
        let Some(tmp) = &self.tmp else {
            return finish(w, false);
        };
        let result = finish(w, self.sync).and_then(|()| std::fs::rename(tmp, &self.path));
        if result.is_err() {
            let _ = std::fs::remove_file(tmp);
        }
        finished(tmp);
        result
    }
}

fn finish(w: BufWriter<File>, sync: bool) -> std::io::Result<()> {
    let file = w.into_inner().map_err(|e| e.into_error())?;
    if sync {
        file.sync_all()?;
    }
    Ok(())
}

impl Write for AtomicFile {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.writer()?.write(buf)
    }

    fn write_all(&mut self, buf: &[u8]) -> std::io::Result<()> {
        self.writer()?.write_all(buf)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.writer()?.flush()
    }
}

impl AtomicFile {
    fn writer(&mut self) -> std::io::Result<&mut BufWriter<File>> {
        self.file
            .as_mut()
            .ok_or_else(|| std::io::Error::other("file already committed"))
    }
}

impl Drop for AtomicFile {
    fn drop(&mut self) {
        if let (Some(_), Some(tmp)) = (self.file.take(), &self.tmp) {
            // Not committed: an error stopped the writer; the earlier file stays.
            let _ = std::fs::remove_file(tmp);
            finished(tmp);
        }
    }
}

/// Writes `bytes` to `path` atomically (synced, then renamed).
pub fn write(path: &Path, bytes: &[u8]) -> Result<(), Error> {
    write_with(AtomicOptions::new(), path, bytes)
}

/// Writes `bytes` to `path` atomically with `options`.
pub fn write_with(options: AtomicOptions, path: &Path, bytes: &[u8]) -> Result<(), Error> {
    let mut f = options.create(path)?;
    f.write_all(bytes).map_err(|e| output_error(path, &e))?;
    f.commit()
}

/// The error for a failed write, naming the final path (the temporary name means
/// nothing to the user).
pub fn output_error(path: &Path, e: &std::io::Error) -> Error {
    Error::Output(format!("{}: {e}", path.display()))
}

/// `.NAME.PID.N.tmp` beside `path`.
fn tmp_path(path: &Path) -> PathBuf {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let n = NEXT_TMP.fetch_add(1, Ordering::Relaxed);
    path.with_file_name(format!(".{name}.{}.{n}.tmp", std::process::id()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entries(dir: &Path) -> Vec<String> {
        let mut v: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    }

    #[test]
    fn replaces_whole_and_leaves_no_temporary_file() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("out.geojson");
        std::fs::write(&p, b"old").unwrap();
        let mut f = AtomicFile::create(&p).unwrap();
        f.write_all(b"new contents").unwrap();
        // Until the commit the earlier file is what readers see.
        assert_eq!(std::fs::read(&p).unwrap(), b"old");
        f.commit().unwrap();
        assert_eq!(std::fs::read(&p).unwrap(), b"new contents");
        assert_eq!(entries(dir.path()), ["out.geojson"]);
    }

    #[test]
    fn an_abandoned_write_keeps_the_earlier_file() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("out.csv");
        std::fs::write(&p, b"old").unwrap();
        {
            let mut f = AtomicOptions::new().sync(false).create(&p).unwrap();
            f.write_all(b"half").unwrap();
        }
        assert_eq!(std::fs::read(&p).unwrap(), b"old");
        assert_eq!(entries(dir.path()), ["out.csv"]);
    }

    // `remove_unfinished` itself acts on the whole process (other tests' files too),
    // so it is tested through the binary (tests/cli_policy.rs); here, the list.
    #[test]
    fn unfinished_files_are_listed_until_committed_or_dropped() {
        let dir = tempfile::tempdir().unwrap();
        let listed = |f: &AtomicFile| unfinished().contains(f.tmp.as_ref().unwrap());
        let a = AtomicOptions::new()
            .sync(false)
            .create(&dir.path().join("a"))
            .unwrap();
        let b = AtomicOptions::new()
            .sync(false)
            .create(&dir.path().join("b"))
            .unwrap();
        assert!(listed(&a) && listed(&b));
        let (a_tmp, b_tmp) = (a.tmp.clone().unwrap(), b.tmp.clone().unwrap());
        a.commit().unwrap();
        drop(b);
        let list = unfinished();
        assert!(!list.contains(&a_tmp) && !list.contains(&b_tmp));
    }

    #[test]
    fn a_missing_directory_is_an_output_error_naming_the_target() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("no/such/dir/out.geojson");
        let e = write(&p, b"x").unwrap_err();
        assert!(matches!(e, Error::Output(_)));
        assert!(e.to_string().contains("no/such/dir/out.geojson"), "{e}");
        // The temporary name means nothing to the user.
        assert!(!e.to_string().contains(".out.geojson."), "{e}");
    }

    #[cfg(unix)]
    #[test]
    fn a_named_pipe_is_written_in_place_and_stays_a_pipe() {
        use std::os::unix::fs::FileTypeExt;
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("pipe");
        let c = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
        // SAFETY: a valid NUL-terminated path; mkfifo only creates the node.
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
        let reader = {
            let fifo = fifo.clone();
            std::thread::spawn(move || std::fs::read(fifo).unwrap())
        };
        write(&fifo, b"through the pipe").unwrap();
        assert_eq!(reader.join().unwrap(), b"through the pipe");
        assert!(std::fs::metadata(&fifo).unwrap().file_type().is_fifo());
        assert_eq!(entries(dir.path()), ["pipe"]);
    }

    #[cfg(unix)]
    #[test]
    fn a_link_stays_a_link_to_the_new_file() {
        let dir = tempfile::tempdir().unwrap();
        let real = dir.path().join("real.geojson");
        let link = dir.path().join("link.geojson");
        std::fs::write(&real, b"old").unwrap();
        std::os::unix::fs::symlink(&real, &link).unwrap();
        write(&link, b"new").unwrap();
        assert!(std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink());
        assert_eq!(std::fs::read(&real).unwrap(), b"new");
        assert_eq!(entries(dir.path()), ["link.geojson", "real.geojson"]);
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn a_full_disk_keeps_the_earlier_file() {
        // /dev/full fails every write with ENOSPC; its directory cannot take a
        // temporary file, so try the write through a file system that is full: a
        // write error while writing must leave the old file.
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("out.geojson");
        std::fs::write(&p, b"old").unwrap();
        let mut f = AtomicFile::create(&p).unwrap();
        // Swap the temporary file for /dev/full, as if the disk filled up.
        let full = File::options().write(true).open("/dev/full").unwrap();
        f.file = Some(BufWriter::with_capacity(BUFFER_BYTES, full));
        let big = vec![b'x'; BUFFER_BYTES * 2];
        assert!(f.write_all(&big).is_err());
        drop(f);
        assert_eq!(std::fs::read(&p).unwrap(), b"old");
        assert_eq!(entries(dir.path()), ["out.geojson"]);
    }
}
