//! `sipscope audit` through the built binary over the in-process lab (D19):
//! JSON Lines in input order with line numbers, each line the `check --json`
//! document; invalid and hostile lines; CSV; the human summary; exit codes;
//! standard input; Ctrl-C leaving whole lines.

use std::io::Write;
use std::process::{Command, Output, Stdio};

use serde_json::Value;
use sipscope::lab::Lab;
use support::lab::lab_with;

mod support;

struct Env {
    lab: Lab,
    dir: tempfile::TempDir,
}

impl Env {
    async fn new() -> Env {
        let lab = lab_with(&["healthy", "pool-member-down", "no-records"]).await;
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("ca.pem"), lab.ca_pem()).unwrap();
        Env { lab, dir }
    }

    fn cmd(&self, sub: &str, args: &[&str]) -> Command {
        let mut c = Command::new(env!("CARGO_BIN_EXE_sipscope"));
        c.arg(sub)
            .args(self.lab.check_flags(&self.dir.path().join("ca.pem")))
            .args(args);
        c
    }

    fn file(&self, name: &str, content: &[u8]) -> String {
        let p = self.dir.path().join(name);
        std::fs::write(&p, content).unwrap();
        p.display().to_string()
    }

    fn run(&self, sub: &str, args: &[&str]) -> Output {
        tokio::task::block_in_place(|| self.cmd(sub, args).output().unwrap())
    }
}

fn json_lines(out: &Output) -> Vec<Value> {
    String::from_utf8(out.stdout.clone())
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect()
}

/// The document without what differs from one sweep to the next (timings).
fn steady(mut v: Value) -> Value {
    fn strip(v: &mut Value) {
        match v {
            Value::Object(m) => {
                for k in ["elapsed_ms", "decided_ms", "started_at", "timings", "line"] {
                    m.remove(k);
                }
                m.values_mut().for_each(strip);
            }
            Value::Array(a) => a.iter_mut().for_each(strip),
            _ => {}
        }
    }
    strip(&mut v);
    v
}

const LIST: &[u8] =
    b"# estate\nsip:alice@healthy.test\n\nalice@members.test\nempty.test\na@b@c\nhealthy.test\n";

// D19: order, line numbers, invalid lines, and every line equal to `check --json`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn d19_json_lines_in_input_order_equal_check() {
    let env = Env::new().await;
    let file = env.file("list.txt", LIST);
    let out = env.run("audit", &["--json", "--jobs", "3", &file]);
    let lines = json_lines(&out);
    let numbers: Vec<u64> = lines.iter().map(|l| l["line"].as_u64().unwrap()).collect();
    assert_eq!(numbers, [2, 4, 5, 6, 7]);
    let states: Vec<&str> = lines
        .iter()
        .map(|l| l["verdict"]["state"].as_str().unwrap_or("-"))
        .collect();
    assert_eq!(states, ["ok", "degraded", "fail", "-", "ok"]);
    assert_eq!(lines[3]["input"], "a@b@c");
    assert!(
        lines[3]["error"].as_str().unwrap().len() > 10,
        "{}",
        lines[3]
    );
    // Any failing or invalid line: exit 1.
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // Exactly the single check's document (modulo timings).
    for (address, line) in [
        ("sip:alice@healthy.test", &lines[0]),
        ("alice@members.test", &lines[1]),
        ("empty.test", &lines[2]),
    ] {
        let single = env.run("check", &["--json", address]);
        let doc: Value = serde_json::from_slice(&single.stdout).unwrap();
        assert_eq!(steady(line.clone()), steady(doc), "{address}");
    }
}

// Standard input, CSV, --strict, the human summary and its exit codes.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn audit_stdin_csv_human_and_exit_codes() {
    let env = Env::new().await;
    let feed = |args: &[&str], input: &[u8]| -> Output {
        tokio::task::block_in_place(|| {
            let mut child = env
                .cmd("audit", args)
                .stdin(Stdio::piped())
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap();
            child.stdin.take().unwrap().write_all(input).unwrap();
            child.wait_with_output().unwrap()
        })
    };
    let good = b"healthy.test\nmembers.test\n";
    // ok + degraded: exit 0; --strict: 1 (D18).
    let out = feed(&["--csv", "-"], good);
    assert_eq!(out.status.code(), Some(0));
    let mut csv = csv_rows(&out);
    assert_eq!(csv.remove(0)[..4], ["line", "input", "domain", "state"]);
    assert_eq!(csv.len(), 2);
    assert_eq!(
        csv[1][..4],
        ["2", "members.test", "members.test", "degraded"]
    );
    assert_eq!(feed(&["--strict", "-"], good).status.code(), Some(1));

    // Human: the domains not ok, totals; nothing on stderr (not a terminal).
    let md = env.dir.path().join("audit.md");
    let file = env.file("list.txt", LIST);
    let out = env.run("audit", &["--markdown", md.to_str().unwrap(), &file]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("5 checked: 2 ok, 1 degraded, 1 fail, 1 invalid"),
        "{text}"
    );
    assert!(
        text.contains("empty.test") && text.contains("nothing-published"),
        "{text}"
    );
    assert!(
        !text.contains("healthy.test"),
        "ok domains are not listed: {text}"
    );
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(out.status.code(), Some(1));
    let report = std::fs::read_to_string(&md).unwrap();
    assert!(
        report.contains("| fail | 1 |") && report.contains("## empty.test (line 5): fail"),
        "{report}"
    );

    // No address, or no file: exit 2 with one line.
    let comments = env.file("c.txt", b"# nothing\n\n");
    for args in [
        vec![comments.as_str()],
        vec!["/nonexistent/list.txt"],
        vec![env.dir.path().to_str().unwrap()],
    ] {
        let out = env.run("audit", &args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(err.trim().lines().count(), 1, "{err}");
    }
    assert_eq!(
        env.run("audit", &["--jobs", "0", &file]).status.code(),
        Some(2)
    );
}

fn csv_rows(out: &Output) -> Vec<Vec<String>> {
    csv::Reader::from_reader(&out.stdout[..])
        .into_records()
        .map(|r| r.unwrap().iter().map(str::to_string).collect())
        .collect::<Vec<_>>()
        .into_iter()
        .fold(
            vec![
                csv::Reader::from_reader(&out.stdout[..])
                    .headers()
                    .unwrap()
                    .iter()
                    .map(str::to_string)
                    .collect(),
            ],
            |mut acc, r| {
                acc.push(r);
                acc
            },
        )
}

// Hostile input: NUL, invalid UTF-8, a 1 MB line — one error line each, no panic.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hostile_lines_are_one_error_each() {
    let env = Env::new().await;
    let mut input = b"nul\0.test\n\xff\xfe.test\n".to_vec();
    input.extend(std::iter::repeat_n(b'x', 1 << 20));
    input.extend_from_slice(b"\n\x1b[2Jevil.test\x07 x\nhealthy.test\n");
    let file = env.file("hostile.txt", &input);
    let out = env.run("audit", &["--json", &file]);
    let lines = json_lines(&out);
    assert_eq!(lines.len(), 5, "{lines:?}");
    for l in &lines[..4] {
        assert!(l["error"].is_string(), "{l}");
        let input = l["input"].as_str().unwrap();
        assert!(
            !input.contains('\x1b') && !input.contains('\x07') && input.len() < 200,
            "{input}"
        );
    }
    assert!(
        lines[2]["error"]
            .as_str()
            .unwrap()
            .contains("1048576 bytes")
    );
    assert_eq!(lines[4]["verdict"]["state"], "ok");
    assert_eq!(out.status.code(), Some(1));
}

// Ctrl-C: what was printed is whole JSON Lines; the run says what was not checked.
#[cfg(unix)]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ctrl_c_leaves_whole_lines() {
    use std::io::{BufRead, BufReader};
    let env = Env::new().await;
    let out = tokio::task::block_in_place(|| {
        let mut child = env
            .cmd("audit", &["--json", "-"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut stdin = child.stdin.take().unwrap();
        stdin.write_all(b"healthy.test\nmembers.test\n").unwrap();
        stdin.flush().unwrap();
        // Standard input stays open: the audit waits for more, then Ctrl-C.
        let mut stdout = BufReader::new(child.stdout.take().unwrap());
        let mut first = String::new();
        stdout.read_line(&mut first).unwrap();
        let status = Command::new("kill")
            .args(["-INT", &child.id().to_string()])
            .status()
            .unwrap();
        assert!(status.success());
        let mut rest = String::new();
        std::io::Read::read_to_string(&mut stdout, &mut rest).unwrap();
        let done = child.wait_with_output().unwrap();
        drop(stdin);
        (first + &rest, done)
    });
    let (text, done) = out;
    for l in text.lines() {
        let v: Value = serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}"));
        assert!(v["line"].is_u64());
    }
    assert!(text.ends_with('\n'));
    assert_eq!(done.status.code(), Some(130));
    let err = String::from_utf8_lossy(&done.stderr);
    assert!(
        err.contains("interrupted") && err.contains("not checked"),
        "{err}"
    );
}

// Issue 18 hostile input: 1 GiB through a pipe (1,024 lines of 1 MiB, then
// an address) is streamed: one error per long line, the address checked,
// and the audit's peak memory stays far below the input's size.
#[cfg(target_os = "linux")]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_gibibyte_of_input_keeps_memory_flat() {
    use std::io::{BufRead, BufReader};
    const LINES: usize = 1024;
    let env = Env::new().await;
    let (peak, lines, status) = tokio::task::block_in_place(|| {
        let mut child = env
            .cmd("audit", &["--json", "-"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut stdin = child.stdin.take().unwrap();
        let stdout = child.stdout.take().unwrap();
        let writer = std::thread::spawn(move || {
            let mut line = vec![b'x'; 1 << 20];
            line.push(b'\n');
            for _ in 0..LINES {
                stdin.write_all(&line).unwrap();
            }
            stdin.write_all(b"healthy.test\n").unwrap();
            // Kept open: the audit is alive (and measurable) until dropped.
            stdin
        });
        let mut out = BufReader::new(stdout);
        let mut lines = Vec::new();
        while lines.len() < LINES + 1 {
            let mut l = String::new();
            assert!(out.read_line(&mut l).unwrap() > 0, "output ended early");
            lines.push(l);
        }
        let peak = support::bin::peak_kb(child.id());
        drop(writer.join().unwrap());
        let status = child.wait().unwrap();
        (peak, lines, status)
    });
    let parsed: Vec<Value> = lines
        .iter()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert!(
        parsed[..LINES]
            .iter()
            .all(|v| v["error"].as_str().unwrap().contains("1048576 bytes")),
        "{}",
        lines[0]
    );
    assert_eq!(parsed[LINES]["line"], LINES + 1);
    assert_eq!(parsed[LINES]["verdict"]["state"], "ok");
    assert_eq!(status.code(), Some(1));
    // 1 GiB in; the audit of a handful of addresses peaks near 25 MB.
    assert!(
        peak > 0 && peak < 64 * 1024,
        "peak resident memory {peak} kB"
    );
}

// `/dev/zero` as the list: one line that never ends is one usage error
// naming it (exit 2), not a read that never finishes.
#[cfg(unix)]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_endless_input_is_one_usage_error() {
    let env = Env::new().await;
    let out = env.run("audit", &["--json", "/dev/zero"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert_eq!(err.trim().lines().count(), 1, "{err}");
    assert!(
        err.contains("/dev/zero") && err.contains("without a line break"),
        "{err}"
    );
    assert!(out.stdout.is_empty());
}
