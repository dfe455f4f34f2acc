//! The HTML report: one self-contained file whose charts render in headless Chromium.
//! CI installs Chromium (Debian's `chromium` package) in `.ci/run`; where it is missing outside
//! CI the browser part is skipped with a message, under CI it is a failure.

use assert_cmd::Command;
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn chromium() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("CHROMIUM") {
        return Some(PathBuf::from(p));
    }
    ["chromium", "chromium-browser", "google-chrome"]
        .iter()
        .find_map(|name| {
            std::env::var_os("PATH").and_then(|paths| {
                std::env::split_paths(&paths)
                    .map(|d| d.join(name))
                    .find(|p| p.is_file())
            })
        })
}

fn report(dir: &Path) -> (PathBuf, String) {
    let out = dir.join("report.html");
    let status = Command::cargo_bin("eksdoctor")
        .unwrap()
        .current_dir(root())
        .args([
            "scan",
            "examples/demo",
            "examples/terraform-eks",
            "--format",
            "html",
            "--as-of",
            "2026-11-22",
            "--fail-on",
            "never",
            "--output",
        ])
        .arg(&out)
        .output()
        .unwrap();
    assert_eq!(
        status.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&status.stderr)
    );
    let html = std::fs::read_to_string(&out).unwrap();
    (out, html)
}

#[test]
fn html_is_self_contained_with_filters_and_charts() {
    let dir = tempfile::tempdir().unwrap();
    let (_, html) = report(dir.path());
    assert!(html.starts_with("<!DOCTYPE html>"));
    // No network: no external scripts, styles, images or fonts.
    for bad in ["src=\"http", "href=\"http", "@import", "url(http"] {
        assert!(!html.contains(bad), "{bad}");
    }
    assert_eq!(
        html.matches("<tr data-sev=").count(),
        30,
        "one row per finding"
    );
    assert_eq!(
        html.matches("class=\"ip-chart\"").count(),
        2,
        "one capacity chart per cluster"
    );
    assert!(html.contains("id=\"calendar-chart\""));
    assert_eq!(
        html.matches("class=\"cluster\"").count(),
        2,
        "both clusters on the calendar"
    );
    assert!(html.contains("class=\"sevfilter\"") && html.contains("id=\"q\""));
    // A year tick for every new year the calendar spans, the report's year among them.
    assert!(html.matches("class=\"year\"").count() >= 4);
    assert!(html.contains(">2026</text>"));
}

fn count_colour(png_path: &Path, rgb: [u8; 3]) -> usize {
    let decoder = png::Decoder::new(std::io::BufReader::new(
        std::fs::File::open(png_path).unwrap(),
    ));
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut buf).unwrap();
    let px = info.color_type.samples();
    buf[..info.buffer_size()]
        .chunks(px)
        .filter(|p| p.len() >= 3 && p[0] == rgb[0] && p[1] == rgb[1] && p[2] == rgb[2])
        .count()
}

#[test]
fn charts_render_in_headless_chromium() {
    let Some(browser) = chromium() else {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI must install Chromium (see .ci/run)"
        );
        eprintln!("skipped: no Chromium on this machine (set CHROMIUM=/path/to/chromium)");
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let (html_path, _) = report(dir.path());
    let url = format!("file://{}", html_path.display());
    let shot = dir.path().join("report.png");
    let common = [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--hide-scrollbars",
        "--no-first-run",
        "--disable-dev-shm-usage",
    ];
    let out = std::process::Command::new(&browser)
        .args(common)
        .args([
            "--window-size=1280,4200",
            &format!("--screenshot={}", shot.display()),
            &url,
        ])
        .output()
        .expect("chromium runs");
    assert!(
        shot.is_file(),
        "no screenshot: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    // The charts' colours are on the page: capacity (green), demand (blue), standard and
    // extended support (green and amber), and the clusters' dots (red).
    for (what, rgb, at_least) in [
        ("usable addresses", [0x1a, 0x7f, 0x37], 2000),
        ("projected demand", [0x09, 0x69, 0xda], 2000),
        ("extended support", [0xd4, 0xa7, 0x2c], 2000),
        ("standard support", [0x2d, 0xa4, 0x4e], 2000),
    ] {
        let n = count_colour(&shot, rgb);
        assert!(
            n >= at_least,
            "{what}: {n} pixels of #{:02x}{:02x}{:02x}",
            rgb[0],
            rgb[1],
            rgb[2]
        );
    }
    // The filter script ran: the count of shown rows was filled in by it.
    let dom = std::process::Command::new(&browser)
        .args(common)
        .args(["--dump-dom", &url])
        .output()
        .expect("chromium runs");
    let dom = String::from_utf8_lossy(&dom.stdout);
    assert!(
        dom.contains("<span id=\"shown\">30</span>"),
        "{}",
        &dom[..dom.len().min(500)]
    );
}
