//! Opens the demo's report.html in a real headless Chromium: it must
//! render (a screenshot that is a real picture), run no script, and make
//! no network request (every host name is mapped to nothing, so any
//! request would fail and show in the log).
//!
//! Chromium is required: without it the test fails, unless
//! `AISF_SKIP_BROWSER=1` is set (a convenience for developers; CI installs
//! Chromium in `.ci/run` and does not set it).

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

const BROWSERS: [&str; 4] = ["chromium", "chromium-browser", "google-chrome", "chrome"];

fn find_browser() -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    BROWSERS
        .iter()
        .find_map(|name| std::env::split_paths(&path).map(|d| d.join(name)).find(|p| p.is_file()))
}

/// Runs the browser with a time limit; kills it (by its own handle) if it
/// hangs.
fn run_browser(browser: &Path, args: &[String]) -> Output {
    let mut child = Command::new(browser)
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the browser starts");
    let start = Instant::now();
    loop {
        if child.try_wait().expect("the browser can be waited for").is_some() {
            return child.wait_with_output().expect("the browser's output");
        }
        if start.elapsed() > Duration::from_secs(120) {
            let _ = child.kill();
            let out = child.wait_with_output().expect("the browser's output");
            panic!(
                "{} did not finish in 120 s; stderr:\n{}",
                browser.display(),
                String::from_utf8_lossy(&out.stderr)
            );
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

fn common_args(profile: &Path) -> Vec<String> {
    vec![
        "--headless".into(),
        "--disable-gpu".into(),
        "--no-sandbox".into(),
        "--no-first-run".into(),
        "--disable-extensions".into(),
        "--disable-background-networking".into(),
        "--disable-component-update".into(),
        "--host-resolver-rules=MAP * ~NOTFOUND".into(),
        "--enable-logging=stderr".into(),
        "--v=0".into(),
        format!("--user-data-dir={}", profile.display()),
    ]
}

/// The width and height in a PNG's IHDR chunk.
fn png_size(bytes: &[u8]) -> Option<(u32, u32)> {
    const SIGNATURE: [u8; 8] = [0x89, b'P', b'N', b'G', b'\r', b'\n', 0x1a, b'\n'];
    if bytes.len() < 24 || bytes[..8] != SIGNATURE || &bytes[12..16] != b"IHDR" {
        return None;
    }
    let be = |b: &[u8]| u32::from_be_bytes([b[0], b[1], b[2], b[3]]);
    Some((be(&bytes[16..20]), be(&bytes[20..24])))
}

/// Log lines that mean the page tried to load something or ran a script
/// that failed.
fn trouble(log: &str) -> Vec<&str> {
    log.lines()
        .filter(|l| {
            l.contains("ERR_NAME_NOT_RESOLVED")
                || l.contains("net::ERR_")
                || l.contains("Uncaught")
                || l.contains("CONSOLE(")
                || l.contains("Failed to load resource")
        })
        .collect()
}

#[test]
fn the_report_page_renders_in_headless_chromium_offline() {
    let Some(browser) = find_browser() else {
        if std::env::var("AISF_SKIP_BROWSER").as_deref() == Ok("1") {
            return;
        }
        panic!(
            "no Chromium found on PATH (looked for {}): install it (Debian: apt-get install -y \
             chromium) or set AISF_SKIP_BROWSER=1 to skip this test on a developer machine",
            BROWSERS.join(", ")
        );
    };

    let work = tempfile::tempdir().unwrap();
    let demo = Command::new(env!("CARGO_BIN_EXE_aisf"))
        .args(["demo", "--out", "d"])
        .current_dir(work.path())
        .output()
        .unwrap();
    assert!(demo.status.success(), "{}", String::from_utf8_lossy(&demo.stderr));
    let page = work.path().join("d/report.html");
    let html = std::fs::read_to_string(&page).unwrap();
    let lower = html.to_ascii_lowercase();
    for bad in ["http://", "https://", "<script", "<link", "<img", "<iframe", "@import", "src=\""] {
        assert!(!lower.contains(bad), "report.html contains {bad:?}");
    }
    let url = format!("file://{}", page.display());

    // The DOM after load: the page is all there and logged no error.
    let profile = work.path().join("profile-dom");
    let mut args = common_args(&profile);
    args.push("--dump-dom".into());
    args.push(url.clone());
    let dom = run_browser(&browser, &args);
    let log = String::from_utf8_lossy(&dom.stderr);
    assert!(dom.status.success(), "{} --dump-dom failed:\n{log}", browser.display());
    let dom_text = String::from_utf8_lossy(&dom.stdout);
    assert!(dom_text.contains("At a glance"), "the DOM lacks the page:\n{dom_text}");
    assert!(dom_text.matches("<svg").count() >= 4);
    assert!(trouble(&log).is_empty(), "the browser logged trouble:\n{}", trouble(&log).join("\n"));

    // A screenshot, kept in the target folder for a person to look at.
    let shot_dir = Path::new(env!("CARGO_TARGET_TMPDIR"));
    std::fs::create_dir_all(shot_dir).unwrap();
    let shot = shot_dir.join("report-screenshot.png");
    let _ = std::fs::remove_file(&shot);
    let profile = work.path().join("profile-shot");
    let mut args = common_args(&profile);
    args.push(format!("--screenshot={}", shot.display()));
    args.push("--window-size=1280,2400".into());
    args.push("--hide-scrollbars".into());
    args.push(url);
    let out = run_browser(&browser, &args);
    let log = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{} --screenshot failed:\n{log}", browser.display());
    assert!(trouble(&log).is_empty(), "the browser logged trouble:\n{}", trouble(&log).join("\n"));
    let png = std::fs::read(&shot).unwrap_or_else(|e| panic!("{}: {e}\n{log}", shot.display()));
    assert_eq!(png_size(&png), Some((1280, 2400)), "{} is not the expected PNG", shot.display());
    // A blank page of that size compresses to a few kilobytes; the report,
    // with its text, charts and diagrams, to far more.
    assert!(png.len() > 100_000, "{} is only {} bytes: a blank page?", shot.display(), png.len());
}
