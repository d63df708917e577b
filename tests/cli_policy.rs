//! The command line's one policy, checked per subcommand on the real binary: usage
//! errors exit 2, input errors 3, every error is one line `mentionmap: error: ...`,
//! a closed output pipe ends the command quietly, and output written to files gets
//! one confirmation line on standard error and nothing on standard output; an
//! interrupted command leaves no temporary file behind.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

fn run(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_mentionmap"))
        .args(args)
        .stdin(Stdio::null())
        .output()
        .expect("binary runs")
}

fn shared(rel: &str) -> Option<PathBuf> {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../shared")
        .join(rel);
    p.exists().then_some(p)
}

fn fixture(name: &str) -> String {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/geonames")
        .join(name)
        .display()
        .to_string()
}

/// Exit `code`, and standard error is exactly one line in the one error format.
fn assert_one_error_line(args: &[&str], code: i32, needle: &str) {
    let o = run(args);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(code), "{args:?}: {err}");
    let lines: Vec<&str> = err.lines().filter(|l| !l.trim().is_empty()).collect();
    assert_eq!(lines.len(), 1, "{args:?}: one line, got {err}");
    assert!(
        lines[0].starts_with("mentionmap: error: "),
        "{args:?}: {err}"
    );
    assert!(
        lines[0].contains(needle),
        "{args:?}: {needle:?} not in {err}"
    );
    assert!(o.stdout.is_empty(), "{args:?}: nothing on stdout");
}

#[test]
fn usage_errors_exit_2_in_every_subcommand() {
    let dir = tempfile::tempdir().unwrap();
    let gaz = dir.path().join("x.gaz");
    let gaz = gaz.to_str().unwrap();
    let cases: &[(&[&str], &str)] = &[
        // clap's own errors, one line naming the subcommand's --help
        (&["map", "--no-such-flag"], "mentionmap map --help"),
        (&["resolve"], "<NAME>"),
        (&["near", "36.2"], "<LON>"),
        (&["eval"], "CORPUS.jsonl"),
        (&["gazetteer", "build"], "--output"),
        (&["gazetteer", "info", "--no-such-flag"], "--no-such-flag"),
        (&["serve", "--addr"], "--addr"),
        (&["frobnicate"], "mentionmap --help"),
        // values clap accepts but the command cannot use
        (&["map", "--layers", "towns"], "towns"),
        (&["resolve", "  "], "empty"),
        (&["near", "95", "10"], "latitude"),
        (&["near", "36.2", "37.1", "--km=-1"], "--km >= 0"),
        (&["serve", "--addr", "no-port"], "--addr"),
        (
            &["gazetteer", "build", "-o", gaz],
            "no places to build from",
        ),
        (
            &[
                "gazetteer",
                "build",
                "--bundled",
                "--countries",
                "Syria",
                "-o",
                gaz,
            ],
            "two-letter",
        ),
    ];
    for (args, needle) in cases {
        assert_one_error_line(args, 2, needle);
    }
    // Flags that do not go together.
    if let Some(corpus) = shared("eval/dev") {
        let corpus = corpus.display().to_string();
        assert_one_error_line(&["map", &corpus, "--explain"], 2, "--explain");
    }
    assert_one_error_line(&["map", "--out-dir", gaz], 2, "--out-dir");
}

#[test]
fn input_errors_exit_3_in_every_subcommand() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("missing.txt").display().to_string();
    let gaz = dir.path().join("x.gaz").display().to_string();
    let csv = dir.path().join("towns.csv");
    std::fs::write(
        &csv,
        "name,lat,lon,kind,country\nAleppo,36.2,37.16,city,SY\nAzaz,36.58,37.04,town,SY\n",
    )
    .unwrap();
    let csv = csv.display().to_string();
    assert_one_error_line(&["map", &missing], 3, "cannot read");
    assert_one_error_line(&["eval", &missing], 3, "cannot read");
    assert_one_error_line(&["gazetteer", "info", &missing], 3, "cannot read");
    assert_one_error_line(
        &["gazetteer", "build", "--csv", &csv, "-o", &gaz],
        3,
        "line 3: unknown kind \"town\": use one of continent, country, admin1, admin2, city, district, feature",
    );
}

/// Ctrl-C (or SIGTERM) in the middle of a batch written to a file: the process ends
/// by that signal, the earlier file keeps its contents, and the hidden temporary file
/// the batch was writing is removed.
#[cfg(unix)]
#[test]
fn an_interrupted_batch_leaves_the_earlier_file_and_no_temporary_file() {
    use std::io::Write;
    use std::os::unix::process::ExitStatusExt;
    use std::time::{Duration, Instant};

    for signal in [libc::SIGINT, libc::SIGTERM] {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out.geojson");
        std::fs::write(&out, b"earlier").unwrap();
        let mut child = Command::new(env!("CARGO_BIN_EXE_mentionmap"))
            .args(["map", "--jsonl", "/dev/stdin", "-o", out.to_str().unwrap()])
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        // One document, and the input left open: the batch is under way, its
        // temporary file beside the output, waiting for more.
        let mut input = child.stdin.take().unwrap();
        writeln!(input, r#"{{"id": "a", "text": "Talks opened in Aleppo."}}"#).unwrap();
        let entries = || -> Vec<String> {
            std::fs::read_dir(dir.path())
                .unwrap()
                .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .collect()
        };
        // Not a timing assertion: a generous bound on waiting for the file to appear.
        let started = Instant::now();
        while entries().len() < 2 {
            assert!(
                started.elapsed() < Duration::from_secs(60),
                "{:?}",
                entries()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
        // SAFETY: sends a signal to our own child process, which is still running.
        assert_eq!(unsafe { libc::kill(child.id() as libc::pid_t, signal) }, 0);
        let status = child.wait().unwrap();
        drop(input);
        assert_eq!(status.signal(), Some(signal), "{status:?}");
        assert_eq!(entries(), ["out.geojson"], "signal {signal}");
        assert_eq!(std::fs::read(&out).unwrap(), b"earlier");
    }
}

/// Runs `args` with standard output read for one line and then closed.
fn run_into_closed_pipe(args: &[&str]) -> std::process::ExitStatus {
    let mut child = Command::new(env!("CARGO_BIN_EXE_mentionmap"))
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut out = child.stdout.take().unwrap();
    let mut first = [0u8; 64];
    let _ = out.read(&mut first).unwrap();
    drop(out);
    let mut err = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut err)
        .unwrap();
    let status = child.wait().unwrap();
    assert!(
        !err.contains("panicked") && !err.contains("Broken pipe"),
        "{args:?}: {err}"
    );
    status
}

#[test]
fn a_closed_pipe_ends_every_subcommand_quietly() {
    let mut cases: Vec<Vec<String>> = vec![
        vec![
            "resolve".into(),
            "Paris".into(),
            "--limit".into(),
            "5000".into(),
        ],
        vec![
            "near".into(),
            "36.2".into(),
            "37.1".into(),
            "--km".into(),
            "500".into(),
            "--limit".into(),
            "5000".into(),
        ],
        vec![
            "gazetteer".into(),
            "info".into(),
            fixture("../../../gazetteer/default.tsv.gz"),
            "--all".into(),
        ],
    ];
    if let Some(dev) = shared("eval/dev") {
        cases.push(vec![
            "map".into(),
            dev.display().to_string(),
            "--format".into(),
            "geojsonseq".into(),
        ]);
    }
    for args in &cases {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let status = run_into_closed_pipe(&args);
        // Ended by SIGPIPE, as `cat` or `grep` are, or done before the reader left.
        #[cfg(unix)]
        {
            use std::os::unix::process::ExitStatusExt;
            assert!(
                status.signal() == Some(13) || status.code() == Some(0),
                "{args:?}: {status:?}"
            );
        }
        assert_ne!(status.code(), Some(101), "{args:?}: panicked");
    }
}

/// `map --html` alone writes the page and nothing to standard output; with `-o`
/// both files; either way one line on standard error names places, layers and paths.
#[test]
fn files_written_are_confirmed_once_on_stderr() {
    let dir = tempfile::tempdir().unwrap();
    let article = dir.path().join("a.txt");
    std::fs::write(
        &article,
        "Shelling hit Aleppo and Idlib in Syria; Moscow denied it.",
    )
    .unwrap();
    let html = dir.path().join("a.html");
    let geojson = dir.path().join("a.geojson");
    let a = article.to_str().unwrap();
    // What the confirmation must say, from the GeoJSON on standard output.
    let o = run(&["map", a]);
    assert!(
        o.stderr.is_empty(),
        "to standard output: no confirmation line"
    );
    let fc: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let layers: Vec<&str> = fc["features"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["properties"]["layer"].as_str().unwrap())
        .collect();
    let by_layer: Vec<String> = ["countries", "regions", "cities", "districts"]
        .iter()
        .map(|l| (l, layers.iter().filter(|x| *x == l).count()))
        .filter(|(_, n)| *n > 0)
        .map(|(l, n)| format!("{l} {n}"))
        .collect();
    let expected = format!(
        "mentionmap: wrote {} places ({}) to ",
        layers.len(),
        by_layer.join(", ")
    );
    assert!(layers.len() >= 3, "{expected}");
    let check = |args: &[&str], files: &[&Path]| {
        let o = run(args);
        assert!(o.status.success(), "{args:?}");
        assert!(o.stdout.is_empty(), "{args:?}: stdout must stay empty");
        let err = String::from_utf8_lossy(&o.stderr);
        let lines: Vec<&str> = err.lines().collect();
        assert_eq!(lines.len(), 1, "{args:?}: {err}");
        assert!(lines[0].starts_with(&expected), "{err} vs {expected}");
        for f in files {
            assert!(lines[0].contains(&*f.display().to_string()), "{err}");
            assert!(std::fs::metadata(f).unwrap().len() > 0);
        }
    };
    check(&["map", a, "--html", html.to_str().unwrap()], &[&html]);
    std::fs::remove_file(&html).unwrap();
    check(
        &[
            "map",
            a,
            "--html",
            html.to_str().unwrap(),
            "-o",
            geojson.to_str().unwrap(),
        ],
        &[&html, &geojson],
    );
}

/// `gazetteer build` reports what each source contributed, not a running total,
/// and the real count of indexed places.
#[test]
fn gazetteer_build_reports_each_source_and_the_index() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("sy.gaz");
    let o = run(&[
        "gazetteer",
        "build",
        "--geonames",
        &fixture("SY-mini.txt"),
        "--csv",
        &fixture("user-places.csv"),
        "--country-info",
        &fixture("countryInfo.txt"),
        "-o",
        out.to_str().unwrap(),
    ]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(o.status.success(), "{err}");
    let line = |needle: &str| {
        err.lines()
            .find(|l| l.contains(needle))
            .unwrap_or_else(|| panic!("no {needle:?} line in {err}"))
            .to_string()
    };
    // The CSV has 3 rows: one merges into a GeoNames id, two are new.
    let csv = line("user-places.csv (csv)");
    assert!(
        csv.contains(": 3 rows: 2 added, 1 merged, 0 skipped;"),
        "{csv}"
    );
    let geonames = line("SY-mini.txt (geonames)");
    let total_after_geonames: usize = number_before(&geonames, " places in all");
    assert!(
        csv.contains(&format!("{} places in all", total_after_geonames + 2)),
        "{csv}"
    );
    let indexed = line("names folded and indexed");
    assert!(
        indexed.contains(&format!(": {} places,", total_after_geonames + 2)),
        "{indexed}"
    );
    assert!(line("countryInfo.txt (countries)").contains("rows"));
    // countryInfo.txt given to --countries is refused with a pointer to --country-info.
    assert_one_error_line(
        &[
            "gazetteer",
            "build",
            "--geonames",
            &fixture("SY-mini.txt"),
            "--countries",
            &fixture("countryInfo.txt"),
            "-o",
            out.to_str().unwrap(),
        ],
        2,
        "use --country-info",
    );
}

fn number_before(line: &str, what: &str) -> usize {
    let head = &line[..line.find(what).expect(what)];
    head.rsplit(|c: char| !c.is_ascii_digit())
        .next()
        .unwrap()
        .parse()
        .unwrap()
}
