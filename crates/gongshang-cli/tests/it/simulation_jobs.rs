//! Issue 14: `gongshang simulate scenario save|list|show` and `simulate job
//! start --wait|show --out` on a fresh database: versions kept, a refused
//! reform saved nowhere, a job run here to its end with its stages printed
//! and its result written as CSV, xlsx and JSON.

use crate::{TempDir, gongshang, s, stderr};

const REFORM: &str = "name = \"ceiling\"\n[[override]]\nkey = \"benefit_wage.ceiling_share\"\nfrom = 2027-01-01\nvalue = \"350%\"\nnote = \"raised\"\n";

#[test]
fn a_scenario_is_saved_in_versions_and_run_as_a_job_here() {
    let dir = TempDir::new("simjobs");
    let db = dir.path("g.db");
    let db = s(&db);
    let reform = dir.write("reform.toml", REFORM);
    let bad = dir.write(
        "bad.toml",
        "name = \"x\"\n[[override]]\nkey = \"no.such\"\nfrom = 2027-01-01\nvalue = \"1\"\nnote = \"n\"\n",
    );
    for version in ["1", "2"] {
        let out = gongshang(&[
            "simulate",
            "scenario",
            "save",
            "--db",
            db,
            "--name",
            "ceiling",
            "--reform",
            s(&reform),
        ]);
        assert!(out.status.success(), "{}", stderr(&out));
        assert_eq!(
            String::from_utf8_lossy(&out.stdout).trim(),
            format!("saved ceiling version {version}")
        );
    }
    let refused = gongshang(&[
        "simulate",
        "scenario",
        "save",
        "--db",
        db,
        "--name",
        "other",
        "--reform",
        s(&bad),
    ]);
    assert!(!refused.status.success());
    assert!(
        stderr(&refused).contains("no such parameter"),
        "{}",
        stderr(&refused)
    );
    let list = gongshang(&["simulate", "scenario", "list", "--db", db]);
    let listed = String::from_utf8_lossy(&list.stdout).into_owned();
    assert!(
        listed.starts_with("ceiling") && listed.contains("v2"),
        "{listed}"
    );
    assert!(!listed.contains("other"), "{listed}");
    let v1 = gongshang(&[
        "simulate",
        "scenario",
        "show",
        "ceiling",
        "--version",
        "1",
        "--db",
        db,
    ]);
    assert_eq!(String::from_utf8_lossy(&v1.stdout), REFORM);

    let run = gongshang(&[
        "simulate",
        "job",
        "start",
        "--db",
        db,
        "--scenario",
        "ceiling",
        "--people",
        "2000",
        "--years",
        "2",
        "--wait",
    ]);
    assert!(run.status.success(), "{}", stderr(&run));
    // The stages seen depend on how fast it runs; its end does not.
    assert!(stderr(&run).contains("[100/100] done"), "{}", stderr(&run));
    assert!(String::from_utf8_lossy(&run.stdout).contains("done"));
    let prefix = dir.path("job1");
    let show = gongshang(&[
        "simulate",
        "job",
        "show",
        "1",
        "--db",
        db,
        "--out",
        s(&prefix),
    ]);
    assert!(show.status.success(), "{}", stderr(&show));
    let csv = std::fs::read_to_string(dir.path("job1.csv")).unwrap();
    assert!(csv.contains("scenario,year,insured"), "{csv}");
    assert!(dir.files().contains(&"job1.xlsx".to_owned()));
}

#[test]
fn two_jobs_run_here_are_compared_year_by_year() {
    let dir = TempDir::new("simjobs-compare");
    let db = dir.path("g.db");
    let db = s(&db);
    let reform = dir.write("reform.toml", REFORM);
    for extra in [&[][..], &["--reform", s(&reform)][..]] {
        let mut args = vec![
            "simulate", "job", "start", "--db", db, "--people", "3000", "--years", "3", "--wait",
        ];
        args.extend_from_slice(extra);
        let out = gongshang(&args);
        assert!(out.status.success(), "{}", stderr(&out));
    }
    let out = gongshang(&["simulate", "job", "compare", "1", "2", "--db", db, "--json"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let years = v["years"].as_array().unwrap();
    assert_eq!(years.len(), 3, "{v}");
    // The ceiling is raised from 2027: the first year is the same, a later one differs.
    assert_eq!(years[0]["reserve_difference_fen"], 0, "{v}");
    assert!(
        years.iter().any(|y| y["reserve_difference_fen"] != 0),
        "{v}"
    );
    let missing = gongshang(&["simulate", "job", "compare", "1", "9", "--db", db]);
    assert!(!missing.status.success());
    assert!(
        stderr(&missing).contains("not found"),
        "{}",
        stderr(&missing)
    );
}
