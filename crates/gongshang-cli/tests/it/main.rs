//! Tests of the `gongshang` binary: `synth cases` and `calc --batch`.
//!
//! The batch results are checked against a reference written here from the
//! Regulations with plain i128 arithmetic, independently of the rules crate,
//! so a bug in the engine shows up as a difference.

mod articles;
mod cases;
mod concurrency;
mod house;
mod medical;
mod notices;
mod plumbing;
mod registry;
mod simulation_jobs;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::atomic::{AtomicU32, Ordering};

const HEADER: &str = "case_id,own_wage,regional_avg_wage,min_wage,national_income,grade,job_arranged,nursing,died,spouse,other_dependents,extra10_dependents,suspension_months,basic_pension_monthly";
const RESULT_HEADER: &str = "case_id,benefit_wage,one_time_disability_subsidy,monthly_disability_allowance,monthly_living_care,funeral_subsidy,one_time_death_benefit,monthly_survivor_pensions,suspension_wages";
/// A fixed legal date, so that the tests do not depend on today.
const AS_OF: &str = "2025-06-01";

/// A fresh, empty folder for one test, removed when dropped.
struct TempDir(PathBuf);

impl TempDir {
    fn new(name: &str) -> TempDir {
        static COUNTER: AtomicU32 = AtomicU32::new(0);
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        let dir =
            std::env::temp_dir().join(format!("gongshang-it-{}-{n}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        TempDir(dir)
    }

    fn path(&self, name: &str) -> PathBuf {
        self.0.join(name)
    }

    fn write(&self, name: &str, text: &str) -> PathBuf {
        let path = self.path(name);
        std::fs::write(&path, text).unwrap();
        path
    }

    /// The names of the files in the folder, sorted.
    fn files(&self) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(&self.0)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn gongshang(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_gongshang"))
        .args(args)
        .output()
        .expect("the gongshang binary runs")
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn s(path: &Path) -> &str {
    path.to_str().unwrap()
}

/// Runs `calc --batch` on `input` into `out` with extra arguments.
fn batch(input: &Path, out: &Path, extra: &[&str]) -> Output {
    let mut args = vec![
        "calc",
        "--batch",
        s(input),
        "--out",
        s(out),
        "--as-of",
        AS_OF,
    ];
    args.extend_from_slice(extra);
    gongshang(&args)
}

fn synth(out: &Path, count: u64, seed: u64, threads: usize) {
    let output = gongshang(&[
        "synth",
        "cases",
        "--count",
        &count.to_string(),
        "--seed",
        &seed.to_string(),
        "--out",
        s(out),
        "--threads",
        &threads.to_string(),
    ]);
    assert!(output.status.success(), "synth failed: {}", stderr(&output));
}

// ---------------------------------------------------------------------------
// The reference: the Regulations (2010 revision) in integer fen.

fn fen(text: &str) -> i128 {
    let (whole, frac) = text.split_once('.').unwrap_or((text, "00"));
    assert_eq!(frac.len(), 2, "{text}");
    whole.parse::<i128>().unwrap() * 100 + frac.parse::<i128>().unwrap()
}

fn yuan(fen: i128) -> String {
    format!("{}.{:02}", fen / 100, fen % 100)
}

/// `amount × percent / 100`, rounded half away from zero (amounts are never negative here).
fn percent_of(amount: i128, percent: i128) -> i128 {
    (amount * percent * 2 + 100) / 200
}

struct Row {
    own: i128,
    avg: i128,
    min: i128,
    income: i128,
    grade: u8,
    job_arranged: bool,
    nursing: u8,
    died: bool,
    spouse: bool,
    others: i128,
    extra10: i128,
    suspension: i128,
    pension: Option<i128>,
}

impl Row {
    fn parse(line: &str) -> (String, Row) {
        let f: Vec<&str> = line.split(',').collect();
        assert_eq!(f.len(), 14, "{line}");
        let flag = |s: &str| match s {
            "0" => false,
            "1" => true,
            other => panic!("not a flag: {other}"),
        };
        (
            f[0].to_owned(),
            Row {
                own: fen(f[1]),
                avg: fen(f[2]),
                min: fen(f[3]),
                income: fen(f[4]),
                grade: f[5].parse().unwrap(),
                job_arranged: flag(f[6]),
                nursing: f[7].parse().unwrap(),
                died: flag(f[8]),
                spouse: flag(f[9]),
                others: f[10].parse().unwrap(),
                extra10: f[11].parse().unwrap(),
                suspension: f[12].parse().unwrap(),
                pension: (!f[13].is_empty()).then(|| fen(f[13])),
            },
        )
    }
}

/// The eight amounts of the result file (benefit wage first), from the law.
fn reference(r: &Row) -> [i128; 8] {
    // Art 64: clamp to 60%..300% of the regional average, each bound rounded.
    let floor = percent_of(r.avg, 60);
    let ceiling = percent_of(r.avg, 300);
    let bw = r.own.clamp(floor, ceiling);
    let g = usize::from(r.grade);
    // Arts 35-37: months of the benefit wage.
    const MONTHS: [i128; 10] = [27, 25, 23, 21, 18, 16, 13, 11, 9, 7];
    let subsidy = if g > 0 { bw * MONTHS[g - 1] } else { 0 };
    // Arts 35-36: the allowance, topped up to the minimum wage; ends at death.
    const ALLOWANCE: [i128; 6] = [90, 85, 80, 75, 70, 60];
    let has_allowance = (1..=4).contains(&g) || ((5..=6).contains(&g) && !r.job_arranged);
    let allowance = if has_allowance && !r.died {
        percent_of(bw, ALLOWANCE[g - 1]).max(r.min)
    } else {
        0
    };
    // Art 35(3): a grade 1-4 worker with a basic pension gets only the difference.
    let allowance = match r.pension {
        Some(pension) if g <= 4 => (allowance - pension).max(0),
        _ => allowance,
    };
    // Art 34: living care; ends at death.
    let care = match (r.nursing, r.died) {
        (0, _) | (_, true) => 0,
        (level, false) => percent_of(r.avg, [30, 40, 50][usize::from(level) - 1]),
    };
    // Art 39: funeral, survivors (each pension rounded, the sum capped), death
    // benefit (not for grades 1-4: they die after the suspension period).
    let (funeral, death_benefit, survivors) = if r.died {
        let extra_others = r.extra10.min(r.others);
        let spouse_extra = r.spouse && r.extra10 > r.others;
        let mut sum = 0;
        if r.spouse {
            sum += percent_of(bw, if spouse_extra { 50 } else { 40 });
        }
        sum += percent_of(bw, 40) * extra_others;
        sum += percent_of(bw, 30) * (r.others - extra_others);
        let death_benefit = if (1..=4).contains(&g) {
            0
        } else {
            r.income * 20
        };
        (r.avg * 6, death_benefit, sum.min(bw))
    } else {
        (0, 0, 0)
    };
    // Art 33: months of the (unclamped) own wage.
    let suspension = r.own * r.suspension;
    [
        bw,
        subsidy,
        allowance,
        care,
        funeral,
        death_benefit,
        survivors,
        suspension,
    ]
}

// ---------------------------------------------------------------------------

#[test]
fn batch_agrees_with_the_regulations_on_synthetic_cases() {
    let dir = TempDir::new("agree");
    let cases = dir.path("cases.csv");
    let results = dir.path("results.csv");
    synth(&cases, 20_000, 42, 2);
    // Small chunks, so that many chunks cross and are put back in order.
    let output = batch(
        &cases,
        &results,
        &["--chunk-bytes", "65536", "--threads", "3"],
    );
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(String::from_utf8_lossy(&output.stdout).contains("20000 rows calculated"));

    let cases = std::fs::read_to_string(&cases).unwrap();
    let results = std::fs::read_to_string(&results).unwrap();
    let mut cases = cases.lines();
    let mut results = results.lines();
    assert_eq!(cases.next(), Some(HEADER));
    assert_eq!(results.next(), Some(RESULT_HEADER));

    // How often the interesting edges are hit, so that the agreement means something.
    let (mut floor, mut ceiling, mut top_up, mut deaths, mut capped, mut extension) =
        (0, 0, 0, 0, 0, 0);
    let mut rows = 0;
    for (case, result) in cases.by_ref().zip(results.by_ref()) {
        rows += 1;
        let (id, row) = Row::parse(case);
        let expected: Vec<String> = reference(&row).iter().map(|&f| yuan(f)).collect();
        let expected = format!("{id},{}", expected.join(","));
        assert_eq!(result, expected, "case {case}");

        let amounts = reference(&row);
        floor += i32::from(row.own < percent_of(row.avg, 60));
        ceiling += i32::from(row.own > percent_of(row.avg, 300));
        top_up += i32::from(amounts[2] > 0 && amounts[2] == row.min);
        deaths += i32::from(row.died);
        extension += i32::from(row.suspension > 12);
        let uncapped = row.died && amounts[6] == amounts[0] && amounts[0] > 0;
        capped += i32::from(uncapped);
    }
    assert_eq!(rows, 20_000);
    assert_eq!(cases.next(), None);
    assert_eq!(results.next(), None);
    assert!(floor > 1000, "below the floor: {floor}");
    assert!(ceiling > 50, "above the ceiling: {ceiling}");
    assert!(top_up > 0, "minimum-wage top-ups: {top_up}");
    assert!((300..=700).contains(&deaths), "deaths: {deaths}");
    assert!(capped > 0, "capped survivors' pensions: {capped}");
    assert!(extension > 300, "suspensions over 12 months: {extension}");
}

#[test]
fn synth_is_deterministic_whatever_the_threads() {
    let dir = TempDir::new("synth");
    let one = dir.path("one.csv");
    let two = dir.path("two.csv");
    let other_seed = dir.path("other.csv");
    synth(&one, 150_000, 9, 1);
    synth(&two, 150_000, 9, 2);
    synth(&other_seed, 150_000, 10, 2);
    let one = std::fs::read(&one).unwrap();
    assert!(
        one == std::fs::read(&two).unwrap(),
        "same seed, different files"
    );
    assert!(one != std::fs::read(&other_seed).unwrap());
    let text = String::from_utf8(one).unwrap();
    assert_eq!(text.lines().count(), 150_001);
    assert!(text.starts_with(&format!("{HEADER}\nS9-0000001,")));
}

#[test]
fn single_threaded_and_parallel_results_are_identical() {
    let dir = TempDir::new("threads");
    let cases = dir.path("cases.csv");
    synth(&cases, 30_000, 3, 2);
    let a = dir.path("a.csv");
    let b = dir.path("b.csv");
    assert!(batch(&cases, &a, &["--threads", "1"]).status.success());
    assert!(
        batch(&cases, &b, &["--threads", "2", "--chunk-bytes", "4096"])
            .status
            .success()
    );
    assert!(std::fs::read(&a).unwrap() == std::fs::read(&b).unwrap());
}

const GOOD_ROW: &str = "A-1,8500.00,9000,2500,49283,5,0,0,0,0,0,0,6,";
const GOOD_RESULT: &str = "A-1,8500.00,153000.00,5950.00,0.00,0.00,0.00,0.00,51000.00";

#[test]
fn a_worked_example() {
    let dir = TempDir::new("example");
    let death = "D-1,12000.5,8000,2360,51821,0,0,0,1,1,2,1,2,";
    // Grade 1 with care who died: no allowance, no care, no death benefit.
    let grade1_died = "D-2,30000,9000,2500,49283,1,0,3,1,1,0,0,0,";
    let input = dir.write(
        "cases.csv",
        &format!("{HEADER}\n{GOOD_ROW}\n{death}\n{grade1_died}\n"),
    );
    let out = dir.path("out.csv");
    let output = batch(&input, &out, &[]);
    assert!(output.status.success(), "{}", stderr(&output));
    // D-1: bw 12000.50; spouse 40% = 4800.20, one other with extra 40% = 4800.20,
    // one other 30% = 3600.15 (3600.150 rounds to 3600.15); sum 13200.55 > bw: capped.
    // D-2: bw capped at 27000.00; 27 months; pensions 40% = 10800.00.
    assert_eq!(
        std::fs::read_to_string(&out).unwrap(),
        format!(
            "{RESULT_HEADER}\n{GOOD_RESULT}\n\
             D-1,12000.50,0.00,0.00,0.00,48000.00,1036420.00,12000.50,24001.00\n\
             D-2,27000.00,729000.00,0.00,0.00,54000.00,0.00,10800.00,0.00\n"
        )
    );
}

#[test]
fn a_bad_header_is_refused_naming_the_columns() {
    let dir = TempDir::new("header");
    let input = dir.write(
        "cases.csv",
        &format!(
            "{}\n{GOOD_ROW}\n",
            HEADER.replace("min_wage", "minimum_wage")
        ),
    );
    let out = dir.path("out.csv");
    let output = batch(&input, &out, &[]);
    assert_eq!(output.status.code(), Some(1));
    let err = stderr(&output);
    assert!(
        err.contains("column 4 is \"minimum_wage\" but should be \"min_wage\""),
        "{err}"
    );
    assert!(err.contains(HEADER), "{err}");
    assert_eq!(dir.files(), ["cases.csv"]);
}

#[test]
fn an_empty_file_is_refused() {
    let dir = TempDir::new("empty");
    let input = dir.write("cases.csv", "");
    let output = batch(&input, &dir.path("out.csv"), &[]);
    assert_eq!(output.status.code(), Some(1));
    assert!(stderr(&output).contains("is empty"), "{}", stderr(&output));
    assert_eq!(dir.files(), ["cases.csv"]);
}

/// Runs a file with one bad row (line 3) and checks the message and that no
/// output is left.
fn check_bad_row(name: &str, bad_row: &str, expected: &str) {
    let dir = TempDir::new(name);
    let input = dir.write(
        "cases.csv",
        &format!("{HEADER}\n{GOOD_ROW}\n{bad_row}\n{GOOD_ROW}\n"),
    );
    let out = dir.path("out.csv");
    let output = batch(&input, &out, &[]);
    assert_eq!(output.status.code(), Some(1), "{bad_row}");
    let err = stderr(&output);
    assert!(err.contains(expected), "expected {expected:?} in {err:?}");
    assert_eq!(dir.files(), ["cases.csv"], "no output may be left");
}

#[test]
fn bad_money_is_reported_with_row_and_column() {
    check_bad_row(
        "money",
        "A-2,85OO.00,9000,2500,49283,5,0,0,0,0,0,0,6,",
        "row 3, column own_wage: not an amount in yuan: only digits and one decimal point are allowed (write it like 8500 or 8500.50) (value \"85OO.00\")",
    );
    check_bad_row(
        "fen",
        "A-2,8500.001,9000,2500,49283,5,0,0,0,0,0,0,6,",
        "row 3, column own_wage: not an amount in yuan: it has more than two decimals",
    );
    check_bad_row(
        "negative",
        "A-2,8500,9000,-2500,49283,5,0,0,0,0,0,0,6,",
        "row 3, column min_wage: must not be negative (value \"-2500\")",
    );
    check_bad_row(
        "zero-avg",
        "A-2,8500,0,2500,49283,5,0,0,0,0,0,0,6,",
        "row 3, column regional_avg_wage: out of range: allowed more than 0.00 yuan a month (value \"0\")",
    );
}

#[test]
fn out_of_range_codes_are_reported_with_row_and_column() {
    check_bad_row(
        "grade",
        "A-2,8500,9000,2500,49283,11,0,0,0,0,0,0,6,",
        "row 3, column grade: out of range: allowed 0 (no disability) or 1 to 10 (1 is the most severe) (value \"11\")",
    );
    check_bad_row(
        "nursing",
        "A-2,8500,9000,2500,49283,1,0,4,0,0,0,0,6,",
        "row 3, column nursing: out of range: allowed 0 none, 1 partly, 2 mostly, 3 completely dependent (value \"4\")",
    );
    check_bad_row(
        "flag",
        "A-2,8500,9000,2500,49283,5,yes,0,0,0,0,0,6,",
        "row 3, column job_arranged: must be 0 or 1 (value \"yes\")",
    );
    check_bad_row(
        "extra10",
        "A-2,8500,9000,2500,49283,0,0,0,1,1,1,3,0,",
        "row 3, column extra10_dependents: out of range: allowed 0 to 2",
    );
    check_bad_row(
        "suspension",
        "A-2,8500,9000,2500,49283,5,0,0,0,0,0,0,25,",
        "row 3, column suspension_months: out of range: allowed 0 to 24",
    );
    check_bad_row(
        "columns",
        "A-2,8500,9000,2500,49283,5,0,0",
        "row 3, column died: missing: the row has 8 of the 14 columns",
    );
    check_bad_row(
        "empty-id",
        ",8500,9000,2500,49283,5,0,0,0,0,0,0,6,",
        "row 3, column case_id: is empty",
    );
}

#[test]
fn an_existing_output_is_left_alone_when_the_run_fails() {
    let dir = TempDir::new("existing");
    let input = dir.write(
        "cases.csv",
        &format!("{HEADER}\n{GOOD_ROW}\nA-2,x,1,1,1,0,0,0,0,0,0,0,0,\n"),
    );
    let out = dir.write("out.csv", "previous results\n");
    let output = batch(&input, &out, &[]);
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(std::fs::read_to_string(&out).unwrap(), "previous results\n");
    assert_eq!(dir.files(), ["cases.csv", "out.csv"]);
}

#[test]
fn the_row_number_counts_lines_across_chunks() {
    let dir = TempDir::new("far");
    let mut text = format!("{HEADER}\n");
    for _ in 0..5000 {
        text.push_str(GOOD_ROW);
        text.push('\n');
    }
    text.push('\n'); // a blank line is not a row, but it is a line
    text.push_str("A-9,8500,9000,2500,49283,12,0,0,0,0,0,0,6,\n");
    let input = dir.write("cases.csv", &text);
    let output = batch(&input, &dir.path("out.csv"), &["--chunk-bytes", "4096"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).contains("row 5003, column grade"),
        "{}",
        stderr(&output)
    );
    assert_eq!(dir.files(), ["cases.csv"]);
}

#[test]
fn skip_invalid_writes_the_good_rows_and_reports_the_bad_ones() {
    let dir = TempDir::new("skip");
    let input = dir.write(
        "cases.csv",
        &format!(
            "{HEADER}\n{GOOD_ROW}\n\
             \"B, \"\"bad\"\"\",8500,9000,2500,49283,11,0,0,0,0,0,0,6,\n\
             {GOOD_ROW}\n\
             A-3,1.234,9000,2500,49283,5,0,0,0,0,0,0,6,\n"
        ),
    );
    let out = dir.path("out.csv");
    let output = batch(&input, &out, &["--skip-invalid"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(stdout.contains("2 rows calculated"), "{stdout}");
    assert!(stdout.contains("2 invalid rows reported"), "{stdout}");
    assert_eq!(
        std::fs::read_to_string(&out).unwrap(),
        format!("{RESULT_HEADER}\n{GOOD_RESULT}\n{GOOD_RESULT}\n")
    );
    assert_eq!(
        std::fs::read_to_string(dir.path("out.csv.errors.csv")).unwrap(),
        "row,case_id,column,value,reason\n\
         3,\"B, \"\"bad\"\"\",grade,11,out of range: allowed 0 (no disability) or 1 to 10 (1 is the most severe)\n\
         5,A-3,own_wage,1.234,not an amount in yuan: it has more than two decimals (fen is the smallest unit) (write it like 8500 or 8500.50)\n"
    );
    assert_eq!(dir.files(), ["cases.csv", "out.csv", "out.csv.errors.csv"]);

    // --errors names the report.
    let report = dir.path("report.csv");
    let output = batch(&input, &out, &["--skip-invalid", "--errors", s(&report)]);
    assert!(output.status.success());
    assert!(report.exists());
}

#[test]
fn a_byte_order_mark_crlf_and_quoted_ids_are_accepted() {
    let dir = TempDir::new("bom");
    let input = dir.write(
        "cases.csv",
        &format!(
            "\u{feff}{HEADER}\r\n{GOOD_ROW}\r\n\"Zhang, San \"\"3\"\"\",\"8500.00\",9000,2500,49283,5,0,0,0,0,0,0,6,\r\n"
        ),
    );
    let out = dir.path("out.csv");
    let output = batch(&input, &out, &[]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(
        std::fs::read_to_string(&out).unwrap(),
        format!(
            "{RESULT_HEADER}\n{GOOD_RESULT}\n{}\n",
            GOOD_RESULT.replace("A-1", "\"Zhang, San \"\"3\"\"\"")
        )
    );
}

#[test]
fn an_unclosed_quote_is_a_bad_row() {
    check_bad_row(
        "quote",
        "\"A-2,8500,9000,2500,49283,5,0,0,0,0,0,0,6,,",
        "row 3, column case_id: a quoted field is not closed",
    );
}

#[test]
fn a_batch_under_a_scheme_pays_only_the_schemes_items_on_its_basis() {
    let dir = TempDir::new("scheme");
    // Grade 5 without a job, 6 months of suspension, own wage 9000 in a region averaging 8000.
    let row = "P-1,9000,8000,2300,54188,5,0,0,0,0,0,0,6,";
    let input = dir.write("cases.csv", &format!("{HEADER}\n{row}\n"));

    let national = dir.path("national.csv");
    let output = batch(&input, &national, &[]);
    assert!(output.status.success(), "{}", stderr(&output));
    // bw 9000; 18 months = 162000; grade 5 allowance 70% = 6300 (employer); 6 x 9000 suspension.
    assert!(
        std::fs::read_to_string(&national)
            .unwrap()
            .ends_with("P-1,9000.00,162000.00,6300.00,0.00,0.00,0.00,0.00,54000.00\n")
    );

    // Guangdong's scheme: the same items (its termination subsidies need a
    // termination, which the batch format has no column for).
    let guangdong = dir.path("guangdong.csv");
    let output = batch(&input, &guangdong, &["--jurisdiction", "guangdong"]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(
        std::fs::read_to_string(&guangdong)
            .unwrap()
            .ends_with("P-1,9000.00,162000.00,6300.00,0.00,0.00,0.00,0.00,54000.00\n")
    );

    // The platform pilot computes on the private-unit average (no column for
    // it) and pays a grade 5-6 one-time allowance: refused, no output.
    let platform = dir.path("platform.csv");
    let output = batch(
        &input,
        &platform,
        &["--scheme", "national.platform_occupational_injury"],
    );
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).contains("private-unit average"),
        "{}",
        stderr(&output)
    );
    assert!(!platform.exists());

    // An insurer's schedule has other items than the batch format: refused, no output.
    let yilubao = dir.path("yilubao.csv");
    let output = batch(&input, &yilubao, &["--scheme", "xiamen.yilubao"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).contains("insurer's schedule"),
        "{}",
        stderr(&output)
    );
    assert!(!yilubao.exists());
}

/// Art 35(3) in the batch path: the pension column. Grade 3, own 8000.00 in a
/// region averaging 9000 (bounds 5400-27000): 23 x 8000 = 184000.00; allowance
/// 80% = 6400.00; a pension of 3000.00 leaves 3400.00 to the fund. The same row
/// without a pension pays 6400.00; a grade 5 row is not offset (employer's allowance).
#[test]
fn art35_3_the_pension_column_offsets_a_grade_1_4_allowance() {
    let dir = TempDir::new("pension");
    let input = dir.write(
        "cases.csv",
        &format!(
            "{HEADER}\n\
             P-3,8000,9000,2500,54188,3,0,0,0,0,0,0,0,3000.00\n\
             N-3,8000,9000,2500,54188,3,0,0,0,0,0,0,0,\n\
             P-5,8000,9000,2500,54188,5,0,0,0,0,0,0,0,3000\n\
             X-3,8000,9000,2500,54188,3,0,0,0,0,0,0,0,-1\n"
        ),
    );
    let out = dir.path("out.csv");
    let output = batch(&input, &out, &["--skip-invalid"]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(
        std::fs::read_to_string(&out).unwrap(),
        format!(
            "{RESULT_HEADER}\n\
             P-3,8000.00,184000.00,3400.00,0.00,0.00,0.00,0.00,0.00\n\
             N-3,8000.00,184000.00,6400.00,0.00,0.00,0.00,0.00,0.00\n\
             P-5,8000.00,144000.00,5600.00,0.00,0.00,0.00,0.00,0.00\n"
        )
    );
    let errors = std::fs::read_to_string(dir.path("out.csv.errors.csv")).unwrap();
    assert!(
        errors.contains("5,X-3,basic_pension_monthly,-1,must not be negative"),
        "{errors}"
    );
}

/// The batch calculator parses its files itself (in place, for speed); it
/// must accept exactly what `gongshang-csv`, the reader of every import,
/// accepts, and read the same values. Both get the same files, quoted,
/// CRLF, with a byte-order mark, and malformed; the rows each accepts and
/// the case ids they read are compared.
#[test]
fn the_batch_parser_accepts_exactly_what_the_import_reader_accepts() {
    let numbers = "8500.00,9000,2500,49283,5,0,0,0,0,0,0,6,";
    let rows: Vec<String> = vec![
        format!("A-1,{numbers}"),
        format!("\"A-2\",{numbers}"),
        format!("\"A, 3 \"\"quoted\"\"\",{numbers}"),
        format!("\"王伟\",{numbers}"),
        format!("A-5,\"8500.00\",9000,2500,49283,5,0,0,0,0,0,0,\"6\","),
        format!("\"A-6,{numbers}"),
        format!("A\"7,{numbers}"),
        format!("\"A-8\"x,{numbers}"),
        format!("A-9\0,{numbers}"),
        format!("A-10\rx,{numbers}"),
        format!("A-11,{numbers},extra"),
        "A-12,8500.00,9000".to_owned(),
        format!("\"\"\"\",{numbers}"),
        String::new(),
        format!("A-14 ,{numbers}"),
    ];
    let dir = TempDir::new("same-dialect");
    for (name, bom, eol) in [
        ("lf", "", "\n"),
        ("crlf", "", "\r\n"),
        ("bom-crlf", "\u{feff}", "\r\n"),
        ("bom-lf-no-final-break", "\u{feff}", "\n"),
    ] {
        let mut text = format!("{bom}{HEADER}{eol}");
        for (i, row) in rows.iter().enumerate() {
            text.push_str(row);
            if i + 1 < rows.len() || !name.ends_with("no-final-break") {
                text.push_str(eol);
            }
        }
        let input = dir.write(&format!("{name}.csv"), &text);
        // The import reader.
        let columns: Vec<&str> = HEADER.split(',').collect();
        let table =
            gongshang_csv::read_table(text.as_bytes(), gongshang_csv::Columns::new(&columns, &[]))
                .unwrap();
        let accepted: Vec<(u64, String)> = table
            .rows
            .iter()
            .filter_map(|r| r.as_ref().ok())
            .map(|r| (r.line, r.fields[0].clone()))
            .collect();
        let refused: Vec<u64> = table
            .rows
            .iter()
            .filter_map(|r| r.as_ref().err())
            .map(|e| e.line)
            .collect();
        // The batch calculator.
        let out = dir.path(&format!("{name}.out.csv"));
        let report = dir.path(&format!("{name}.errors.csv"));
        let output = batch(&input, &out, &["--skip-invalid", "--errors", s(&report)]);
        assert!(output.status.success(), "{name}: {}", stderr(&output));
        let results = std::fs::read(&out).unwrap();
        let results = gongshang_csv::read_table(
            &results,
            gongshang_csv::Columns::new(&RESULT_HEADER.split(',').collect::<Vec<_>>(), &[]),
        )
        .unwrap();
        let batch_ids: Vec<String> = results
            .rows
            .iter()
            .map(|r| r.as_ref().unwrap().fields[0].clone())
            .collect();
        // The report's values are the bad ones as they were (NUL, CR): only
        // its first column, the row, is read here.
        let errors = std::fs::read_to_string(&report).unwrap();
        let batch_refused: Vec<u64> = errors
            .split('\n')
            .skip(1)
            .filter(|l| !l.is_empty())
            .map(|l| l.split(',').next().unwrap().parse().unwrap())
            .collect();
        assert_eq!(
            batch_ids,
            accepted
                .iter()
                .map(|(_, id)| id.clone())
                .collect::<Vec<_>>(),
            "{name}: the rows accepted and their case ids"
        );
        assert_eq!(batch_refused, refused, "{name}: the rows refused");
        assert_eq!(accepted.len(), 7, "{name}: {accepted:?}");
    }
}

// ---------------------------------------------------------------------------
// `calc --batch --reform`: the baseline and the reform side by side.

/// The result header with a reform: each amount column as baseline, reform, difference.
fn side_by_side_header() -> String {
    let mut columns = vec!["case_id".to_owned()];
    for column in RESULT_HEADER.split(',').skip(1) {
        for suffix in ["baseline", "reform", "difference"] {
            columns.push(format!("{column}_{suffix}"));
        }
    }
    columns.join(",")
}

/// GOOD_ROW is grade 5, own wage 8500.00 within the band of 9000.00 (60%
/// 5400.00, 300% 27000.00): benefit wage 8500.00. Baseline (Art 36(1)(1)):
/// 18 months = 153000.00. The reform sets grade 5 to 20 months from
/// 2025-01-01, before the run's --as-of 2025-06-01: 20 × 8500.00 =
/// 170000.00, a difference of 2 × 8500.00 = 17000.00. Every other column
/// (allowance 70% = 5950.00, suspension 6 × 8500.00 = 51000.00, the zeros)
/// is the same on both sides, difference 0.00.
#[test]
fn a_reform_of_the_grade_5_months_changes_only_the_one_time_subsidy_by_two_months() {
    let dir = TempDir::new("reform-months");
    let input = dir.write("cases.csv", &format!("{HEADER}\n{GOOD_ROW}\n"));
    let reform = dir.write(
        "reform.toml",
        r#"name = "Grade 5: 20 months"

[[override]]
key = "disability.one_time_subsidy_months.grade_5"
from = 2025-01-01
value = 20
note = "the grade 5 subsidy raised from 18 to 20 months"
"#,
    );
    let out = dir.path("out.csv");
    let output = batch(&input, &out, &["--reform", s(&reform)]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(
        std::fs::read_to_string(&out).unwrap(),
        format!(
            "{}\nA-1,\
             8500.00,8500.00,0.00,\
             153000.00,170000.00,17000.00,\
             5950.00,5950.00,0.00,\
             0.00,0.00,0.00,\
             0.00,0.00,0.00,\
             0.00,0.00,0.00,\
             0.00,0.00,0.00,\
             51000.00,51000.00,0.00\n",
            side_by_side_header()
        )
    );
}

/// A reform whose overrides the batch does not read (the indexation of
/// benefits in payment) or that are not yet in force on --as-of (the grade
/// 5 months from 2030) changes nothing: every difference is 0.00, the
/// baseline and reform columns are the run without --reform, and both
/// overrides are named on stderr.
#[test]
fn a_reform_that_changes_nothing_gives_zero_differences() {
    let dir = TempDir::new("reform-nothing");
    let death = "D-1,12000.5,8000,2360,51821,0,0,0,1,1,2,1,2,";
    let input = dir.write("cases.csv", &format!("{HEADER}\n{GOOD_ROW}\n{death}\n"));
    let reform = dir.write(
        "reform.toml",
        r#"name = "Nothing the batch reads"

[[override]]
key = "periodic_benefits.indexation_rate"
from = 2025-01-01
value = "5%"
note = "benefits in payment indexed 5% a year"

[[override]]
key = "disability.one_time_subsidy_months.grade_5"
from = 2030-01-01
value = "20"
note = "the grade 5 subsidy raised, from 2030"
"#,
    );
    let plain = dir.path("plain.csv");
    assert!(batch(&input, &plain, &[]).status.success());
    let out = dir.path("out.csv");
    let output = batch(&input, &out, &["--reform", s(&reform)]);
    assert!(output.status.success(), "{}", stderr(&output));
    let err = stderr(&output);
    assert!(
        err.contains("periodic_benefits.indexation_rate from 2025-01-01 is not read by the batch"),
        "{err}"
    );
    assert!(
        err.contains("disability.one_time_subsidy_months.grade_5 from 2030-01-01 is not in force"),
        "{err}"
    );
    let plain = std::fs::read_to_string(&plain).unwrap();
    let text = std::fs::read_to_string(&out).unwrap();
    let mut lines = text.lines();
    assert_eq!(lines.next(), Some(side_by_side_header().as_str()));
    for (line, plain_line) in lines.zip(plain.lines().skip(1)) {
        let fields: Vec<&str> = line.split(',').collect();
        let plain_fields: Vec<&str> = plain_line.split(',').collect();
        assert_eq!(fields[0], plain_fields[0]);
        for (column, plain_amount) in plain_fields[1..].iter().enumerate() {
            let triple = &fields[1 + 3 * column..4 + 3 * column];
            assert_eq!(triple, [*plain_amount, *plain_amount, "0.00"], "{line}");
        }
    }
    assert_eq!(text.lines().count(), 3);
}

/// The reform file is checked as `simulate --reform` checks it: a key the
/// projection does not read is refused by name, and no output is written.
#[test]
fn a_batch_reform_is_refused_as_simulate_refuses_it() {
    let dir = TempDir::new("reform-bad");
    let input = dir.write("cases.csv", &format!("{HEADER}\n{GOOD_ROW}\n"));
    let reform = dir.write(
        "reform.toml",
        "name = \"bad\"\n[[override]]\nkey = \"no.such.key\"\nfrom = 2025-01-01\nvalue = \"1\"\nnote = \"x\"\n",
    );
    let out = dir.path("out.csv");
    let output = batch(&input, &out, &["--reform", s(&reform)]);
    assert!(!output.status.success());
    assert!(
        stderr(&output).contains("the projection reads no such parameter"),
        "{}",
        stderr(&output)
    );
    assert!(!out.exists());
}

/// Guangdong Regulations Art 64 (last paragraph): a Guangzhou case under
/// the Guangdong scheme compares the provincial average with the city's.
/// The trace's benefit wage step lists each of the two once, each named by
/// its region (they share a label, and the city's stands in with the
/// provincial value and citation, so without the region they read as one
/// average listed twice).
#[test]
fn gd_regs_art64_the_trace_names_the_provincial_and_the_city_average_once_each() {
    let case =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/cases/grade5-guangzhou.json");
    for (lang, province, city) in [
        (
            "zh",
            "广东省（440000）：统筹地区上年度职工月平均工资 = ",
            "广州市（440100）：统筹地区上年度职工月平均工资 = ",
        ),
        (
            "en",
            "(440000): Regional average monthly wage of the previous year = ",
            "(440100): Regional average monthly wage of the previous year = ",
        ),
    ] {
        let output = gongshang(&[
            "calc",
            s(&case),
            "--jurisdiction",
            "guangdong",
            "--lang",
            lang,
        ]);
        assert!(output.status.success(), "{}", stderr(&output));
        let text = String::from_utf8_lossy(&output.stdout).into_owned();
        // The benefit wage step: up to the next numbered step.
        let first = text.split(" 2. ").next().expect("a trace");
        for wanted in [province, city] {
            assert_eq!(first.matches(wanted).count(), 1, "{wanted}\n{text}");
        }
    }
}
