//! `notice example` and `notice render` end to end: every kind to HTML and
//! PDF from the printed example, and bad input refused with no file left.

use super::{TempDir, gongshang, s, stderr};

const KINDS: [&str; 4] = ["decision", "inadmissible", "materials", "award"];

fn example(kind: &str) -> String {
    let out = gongshang(&["notice", "example", kind]);
    assert!(out.status.success(), "{}", stderr(&out));
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn every_example_renders_to_html_and_pdf() {
    let dir = TempDir::new("notices");
    for kind in KINDS {
        let json = example(kind);
        assert!(json.trim_start().starts_with('{'), "{kind}: {json}");
        let input = dir.write(&format!("{kind}.json"), &json);

        let html = dir.path(&format!("{kind}.html"));
        let out = gongshang(&[
            "notice",
            "render",
            kind,
            "--input",
            s(&input),
            "--format",
            "html",
            "--out",
            s(&html),
        ]);
        assert!(out.status.success(), "{kind}: {}", stderr(&out));
        let page = std::fs::read_to_string(&html).unwrap();
        assert!(page.starts_with("<!DOCTYPE html>"), "{kind}");
        assert!(page.contains("lang=\"zh-CN\""), "{kind}");

        // The format follows the extension when --format is left out.
        let pdf = dir.path(&format!("{kind}.pdf"));
        let out = gongshang(&[
            "notice",
            "render",
            kind,
            "--input",
            s(&input),
            "--out",
            s(&pdf),
        ]);
        assert!(out.status.success(), "{kind}: {}", stderr(&out));
        let bytes = std::fs::read(&pdf).unwrap();
        assert!(bytes.starts_with(b"%PDF-1.7"), "{kind}");
        let text = String::from_utf8_lossy(&bytes);
        assert!(text.contains("/FontFile3"), "{kind}: font embedded");
        assert!(text.contains("/ToUnicode"), "{kind}");
        assert!(text.trim_end().ends_with("%%EOF"), "{kind}");
    }
    let titles = [
        ("decision.html", "认定工伤决定书"),
        ("inadmissible.html", "不予受理通知书"),
        ("materials.html", "补正材料通知书"),
        ("award.html", "工伤保险待遇核定表"),
    ];
    for (file, title) in titles {
        let page = std::fs::read_to_string(dir.path(file)).unwrap();
        assert!(page.contains(&format!("<h1>{title}</h1>")), "{file}");
    }
}

#[test]
fn a_notice_reads_from_standard_input() {
    use std::io::Write;
    let dir = TempDir::new("notice-stdin");
    let out_path = dir.path("m.html");
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_gongshang"))
        .args([
            "notice",
            "render",
            "materials",
            "--input",
            "-",
            "--out",
            s(&out_path),
        ])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(example("materials").as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        std::fs::read_to_string(&out_path)
            .unwrap()
            .contains("补正材料通知书")
    );
}

#[test]
fn bad_input_is_refused_naming_the_field_and_nothing_is_written() {
    let dir = TempDir::new("notice-bad");
    let json = example("award").replace("\"grade\": 5", "\"grade\": 0");
    let input = dir.write("award.json", &json);
    let out_path = dir.path("award.pdf");
    let out = gongshang(&[
        "notice",
        "render",
        "award",
        "--input",
        s(&input),
        "--out",
        s(&out_path),
    ]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(
        err.contains("appraisal.grade is \"0\": allowed 1 to 10"),
        "{err}"
    );
    assert_eq!(dir.files(), ["award.json"]);

    // A decision's JSON is not a materials notice.
    let input = dir.write("decision.json", &example("decision"));
    let out = gongshang(&[
        "notice",
        "render",
        "materials",
        "--input",
        s(&input),
        "--out",
        s(&dir.path("x.html")),
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("not a materials notice: unknown field"),
        "{}",
        stderr(&out)
    );

    // No format and an extension that says none.
    let out = gongshang(&[
        "notice",
        "render",
        "decision",
        "--input",
        s(&input),
        "--out",
        s(&dir.path("x.txt")),
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("--format is needed"),
        "{}",
        stderr(&out)
    );
    assert_eq!(dir.files(), ["award.json", "decision.json"]);
}
