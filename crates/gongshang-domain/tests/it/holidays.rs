//! The shipped holiday arrangements: known days, the calendar's refusals, and
//! moving a due date past a holiday.

use gongshang_domain::DayKind;
use gongshang_domain::holidays::{EMBEDDED_HOLIDAY_FILES, HolidayCalendar, HolidayFile};
use jiff::civil::{Date, date};

fn calendar() -> HolidayCalendar {
    HolidayCalendar::embedded().expect("the shipped holiday files are valid")
}

fn d(text: &str) -> Date {
    text.parse().unwrap()
}

#[test]
fn ships_2020_to_2026_and_every_file_in_the_folder() {
    let cal = calendar();
    let years: Vec<i16> = cal.years().map(|y| y.year).collect();
    assert_eq!(years, (2020..=2026).collect::<Vec<_>>());
    assert_eq!(cal.loaded_years(), "2020-2026");
    let dir =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../policies/national/holidays");
    let on_disk = std::fs::read_dir(dir)
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .unwrap()
                .path()
                .extension()
                .is_some_and(|x| x == "toml")
        })
        .count();
    assert_eq!(EMBEDDED_HOLIDAY_FILES.len(), on_disk);
    for y in cal.years() {
        assert!(
            y.instrument
                .contains(&format!("{}年部分节假日安排", y.year)),
            "{}",
            y.year
        );
    }
}

/// (date, working?, what the day is) as the notices say.
#[test]
fn known_days() {
    let cal = calendar();
    let off = |h: &str| DayKind::HolidayOff { holiday: h.into() };
    let worked = |h: &str| DayKind::AdjustedWorkingDay { holiday: h.into() };
    let cases: Vec<(&str, DayKind)> = vec![
        // 2025 National Day and Mid-Autumn: 10-01..08 off, Sunday 09-28 and Saturday 10-11 worked.
        ("2025-09-28", worked("国庆节、中秋节")),
        ("2025-09-30", DayKind::Workday),
        ("2025-10-01", off("国庆节、中秋节")),
        ("2025-10-08", off("国庆节、中秋节")),
        ("2025-10-09", DayKind::Workday),
        ("2025-10-11", worked("国庆节、中秋节")),
        ("2025-10-12", DayKind::Weekend),
        // 2025 Spring Festival from New Year's Eve: 01-28..02-04, 01-26 and 02-08 worked.
        ("2025-01-26", worked("春节")),
        ("2025-01-28", off("春节")),
        ("2025-02-04", off("春节")),
        ("2025-02-05", DayKind::Workday),
        ("2025-02-08", worked("春节")),
        // 2024: the Spring Festival 02-10..17, 02-04 and 02-18 (both Sundays) worked.
        ("2024-02-04", worked("春节")),
        ("2024-02-09", DayKind::Workday),
        ("2024-02-18", worked("春节")),
        // 2026: nine days of Spring Festival, 02-14 and 02-28 worked.
        ("2026-02-15", off("春节")),
        ("2026-02-23", off("春节")),
        ("2026-02-14", worked("春节")),
        ("2026-02-28", worked("春节")),
        ("2026-01-04", worked("元旦")),
        // 2020: the Spring Festival extended to 02-02; Saturday 02-01 was not worked.
        ("2020-01-19", worked("春节")),
        ("2020-01-31", off("春节（延长）")),
        ("2020-02-01", off("春节（延长）")),
        ("2020-02-03", DayKind::Workday),
        // 2023: New Year's Day from Saturday 2022-12-31 to Monday 01-02.
        ("2023-01-02", off("元旦")),
        ("2023-01-03", DayKind::Workday),
        // An ordinary weekend and weekday.
        ("2022-03-05", DayKind::Weekend),
        ("2022-03-07", DayKind::Workday),
    ];
    for (day, kind) in cases {
        let got = cal.day_kind(d(day));
        assert_eq!(got, kind, "{day}");
        assert_eq!(cal.is_working_day(d(day)), kind.is_working(), "{day}");
    }
}

#[test]
fn each_year_has_the_days_off_its_notice_counts() {
    // Days off (weekends inside a holiday included) per year, as the notices
    // count them: 2020 with the extension; 2023 without Saturday 2022-12-31;
    // 2024's New Year's Day and Dragon Boat Festival one day each.
    let cal = calendar();
    let expected = [
        (2020, 30),
        (2021, 31),
        (2022, 31),
        (2023, 26),
        (2024, 28),
        (2025, 28),
        (2026, 33),
    ];
    for (year, days) in expected {
        let y = cal.years().find(|y| y.year == year).unwrap();
        let total: i32 = y
            .holidays
            .iter()
            .map(|h| (h.off_until - h.off_from).get_days() + 1)
            .sum();
        assert_eq!(total, days, "{year}");
    }
}

#[test]
fn due_dates_move_past_holidays_and_weekends() {
    let cal = calendar();
    for (due, moved) in [
        ("2025-10-01", "2025-10-09"),
        ("2025-10-09", "2025-10-09"),
        ("2025-09-28", "2025-09-28"),
        ("2025-01-28", "2025-02-05"),
        ("2025-05-31", "2025-06-03"),
        ("2024-06-08", "2024-06-11"),
        ("2020-01-24", "2020-02-03"),
        ("2026-02-14", "2026-02-14"),
    ] {
        assert_eq!(
            cal.next_working_day_on_or_after(d(due)).unwrap(),
            d(moved),
            "{due}"
        );
    }
}

/// A year whose arrangement is not published (2027 as of December 2026)
/// never stops anything: weekends are its only rest days and every date found
/// in it is provisional.
#[test]
fn a_year_without_a_published_calendar_counts_weekends_only_and_is_provisional() {
    let cal = calendar();
    assert!(!cal.is_published(2027));
    assert!(cal.is_provisional(date(2027, 1, 1)));
    assert!(!cal.is_provisional(date(2026, 12, 31)));
    // 2027-01-01 is a Friday: a working day until the notice says otherwise.
    assert_eq!(cal.day_kind(date(2027, 1, 1)), DayKind::Workday);
    assert_eq!(cal.day_kind(date(2027, 1, 2)), DayKind::Weekend);
    // December 2026's bills fall due on 2027-01-15, a Friday: provisional.
    let due = cal.due_on_or_after(date(2027, 1, 15)).unwrap();
    assert_eq!((due.date, due.provisional), (date(2027, 1, 15), true));
    // Saturday 2027-01-16 moves to Monday 01-18, provisionally.
    let due = cal.due_on_or_after(date(2027, 1, 16)).unwrap();
    assert_eq!((due.date, due.provisional), (date(2027, 1, 18), true));
    // Thursday 2026-12-31 is a working day of a published year: final.
    let due = cal.due_on_or_after(date(2026, 12, 31)).unwrap();
    assert_eq!((due.date, due.provisional), (date(2026, 12, 31), false));
    // A search that starts in a published year and crosses into one that is
    // not is provisional: Saturday 2026-12-26 moves to Monday 12-28 (final),
    // but a holiday at the end of 2030 carries the search into 2031.
    let text = format!(
        "{GOOD}\n[[holiday]]\nname_zh = \"测试\"\nname_en = \"Test\"\noff_from = 2030-12-30\noff_until = 2030-12-31\nworking_days = []\n"
    );
    let cal = load("x/2030.toml", &text).unwrap();
    let due = cal.due_on_or_after(date(2030, 12, 28)).unwrap();
    assert_eq!((due.date, due.provisional), (date(2031, 1, 1), true));
    assert!(cal.is_provisional_between(date(2030, 12, 1), date(2031, 1, 1)));
    assert!(!cal.is_provisional_between(date(2030, 1, 1), date(2030, 12, 31)));
}

/// An administrator loads a newly published year over the shipped ones, or
/// corrects one; a bad file changes nothing.
#[test]
fn a_year_loaded_at_run_time_is_added_or_replaces_the_shipped_one() {
    let shipped = calendar();
    let no_working_days = GOOD.replace("[2030-09-29, 2030-10-12]", "[]");
    let file_2027 = no_working_days
        .replace("2030", "2027")
        .replace("2029", "2026");
    let cal = shipped
        .with_files(&[HolidayFile {
            path: "admin/2027.toml",
            text: &file_2027,
        }])
        .unwrap();
    assert!(cal.is_published(2027));
    assert_eq!(cal.loaded_years(), "2020-2027");
    assert!(!cal.is_working_day(date(2027, 10, 7)));
    assert!(!cal.is_provisional(date(2027, 10, 7)));
    // The shipped calendar is untouched.
    assert!(!shipped.is_published(2027));
    // A correction of 2026: its file replaces the shipped one whole.
    let file_2026 = no_working_days
        .replace("2030", "2026")
        .replace("2029", "2025");
    let cal = shipped
        .with_files(&[HolidayFile {
            path: "admin/2026.toml",
            text: &file_2026,
        }])
        .unwrap();
    assert_eq!(cal.day_kind(date(2026, 2, 16)), DayKind::Workday);
    assert!(!cal.is_working_day(date(2026, 10, 7)));
    // A bad file is refused with its reason.
    let e = shipped
        .with_files(&[HolidayFile {
            path: "admin/2027.toml",
            text: &file_2027.replace("notice_days = 7", "notice_days = 8"),
        }])
        .unwrap_err();
    assert_eq!(e.code(), "holiday_file_invalid");
}

const GOOD: &str = r#"
year = 2030
instrument = "测试通知"
issued = 2029-11-01
source = "test"
confidence = "C1"

[[holiday]]
name_zh = "国庆节"
name_en = "National Day"
off_from = 2030-10-01
off_until = 2030-10-07
notice_days = 7
working_days = [2030-09-29, 2030-10-12]
"#;

fn load(path: &str, text: &str) -> Result<HolidayCalendar, gongshang_domain::DomainError> {
    HolidayCalendar::load(&[HolidayFile { path, text }])
}

#[test]
fn a_valid_test_file_loads() {
    let cal = load("x/2030.toml", GOOD).unwrap();
    assert!(!cal.is_working_day(date(2030, 10, 7)));
    assert!(cal.is_working_day(date(2030, 9, 29)));
}

#[test]
fn invalid_holiday_files_are_refused_with_the_reason() {
    let cases: Vec<(&str, String, &str)> = vec![
        ("x/2031.toml", GOOD.to_owned(), "must be named 2030.toml"),
        (
            "x/2030.toml",
            GOOD.replace("off_until = 2030-10-07", "off_until = 2031-01-02"),
            "is not in the year 2030",
        ),
        (
            "x/2030.toml",
            GOOD.replace("notice_days = 7", "notice_days = 8"),
            "the dates give 7 days off but notice_days = 8",
        ),
        (
            "x/2030.toml",
            GOOD.replace("2030-09-29, ", "2030-10-05, "),
            "is listed as a day off of 国庆节 and as a working day of 国庆节",
        ),
        (
            "x/2030.toml",
            GOOD.replace("2030-09-29, ", "2030-09-30, "),
            "only a Saturday or Sunday",
        ),
        (
            "x/2030.toml",
            GOOD.replace("off_from = 2030-10-01", "off_from = 2030-10-09"),
            "comes before off_from",
        ),
        (
            "x/2030.toml",
            GOOD.replace("confidence = \"C1\"", "confidence = \"INF\""),
            "needs a note",
        ),
        (
            "x/2030.toml",
            GOOD.replace("source = \"test\"", "source = \"test\"\nextra = 1"),
            "unknown field",
        ),
        (
            "x/2030.toml",
            format!(
                "{GOOD}\n[[holiday]]\nname_zh = \"重叠\"\nname_en = \"Overlap\"\noff_from = 2030-10-07\noff_until = 2030-10-08\nworking_days = []\n"
            ),
            "is listed as a day off of 国庆节 and as a day off of 重叠",
        ),
    ];
    for (path, text, reason) in cases {
        let e = load(path, &text).unwrap_err();
        assert_eq!(e.code(), "holiday_file_invalid", "{reason}");
        assert!(
            e.to_string().contains(reason),
            "expected {reason:?} in: {e}"
        );
    }
    // The same year twice.
    let e = HolidayCalendar::load(&[
        HolidayFile {
            path: "a/2030.toml",
            text: GOOD,
        },
        HolidayFile {
            path: "b/2030.toml",
            text: GOOD,
        },
    ])
    .unwrap_err();
    assert!(
        e.to_string().contains("already loaded from a/2030.toml"),
        "{e}"
    );
}
