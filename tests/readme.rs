//! Issue 20: the README is for the people who run sipscope. Its screen is
//! the one `scripts/screenshot.sh` captured from the program (docs/screen.txt),
//! not a drawing; its set-up commands stay on lines of their own (`.ci/run`
//! reads the test command from it); it says how to install.

fn read(path: &str) -> String {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(root.join(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}

#[test]
fn the_readme_shows_the_captured_screen() {
    let readme = read("README.md");
    let screen = read("docs/screen.txt");
    let block = format!("```\n{}\n```", screen.trim_end());
    assert!(
        readme.contains(&block),
        "README.md lacks docs/screen.txt as a code block"
    );
    // A capture of today's dashboard: the header names the generation, the
    // client's row is marked (D7), the demo panel and key bar are there.
    let first = screen.lines().next().unwrap_or_default();
    assert!(first.starts_with("sipscope sip:alice@"), "{first}");
    assert!(
        first.contains("profile ocs2007 (Office Communicator 2007)"),
        "{first}"
    );
    assert!(screen.contains("◀"), "no client mark: {screen}");
    assert!(screen.contains("Lab scenarios"), "{screen}");
    assert!(screen.lines().last().unwrap_or_default().contains("q quit"));
    let script = read("scripts/screenshot.sh");
    assert!(script.contains("capture-pane") && script.contains("docs/screen.txt"));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mode = std::fs::metadata(root.join("scripts/screenshot.sh"))
            .unwrap()
            .permissions()
            .mode();
        assert!(mode & 0o111 != 0, "scripts/screenshot.sh is not executable");
    }
}

#[test]
fn the_readme_says_how_to_install_and_start() {
    let readme = read("README.md");
    let lines: Vec<&str> = readme.lines().collect();
    for own_line in [
        "cargo run --release --locked -- demo",
        "cargo test --locked",
        "cargo install --locked --path .",
    ] {
        assert!(
            lines.contains(&own_line),
            "{own_line} is not on a line of its own"
        );
    }
    let cargo = read("Cargo.toml");
    let version = cargo
        .lines()
        .find_map(|l| l.strip_prefix("rust-version = "))
        .expect("rust-version")
        .trim_matches('"');
    assert!(
        readme.contains(&format!("Rust {version}")),
        "the Rust version"
    );
    for wanted in [
        "## Install",
        "### On Windows",
        "~/.cargo/bin",
        "--profile sfb",
    ] {
        assert!(readme.contains(wanted), "README lacks {wanted}");
    }
    // The first paragraph: two short sentences saying what and for whom.
    let first: String = readme
        .split("\n\n")
        .nth(1)
        .expect("a first paragraph")
        .replace('\n', " ");
    assert_eq!(first.matches(". ").count() + 1, 2, "{first}");
    assert!(first.contains("Skype for Business") && first.contains("administrators"));
    // Rule ids and "vantage" are explained where they first appear.
    let rule = readme.find("D7").expect("a rule id");
    assert!(
        readme[..rule + 300].contains("**Rule ids**"),
        "rule ids unexplained"
    );
    let vantage = readme.to_lowercase().find("vantage").expect("vantage");
    assert!(
        readme[vantage.saturating_sub(20)..vantage + 200].contains("a vantage is"),
        "vantage unexplained where it first appears"
    );
}
