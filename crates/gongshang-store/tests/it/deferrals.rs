//! Deferrals of premiums (缓缴; 人社厅发〔2022〕16号, 人社部发〔2022〕31号;
//! migration 0410), on both backends.

use gongshang_domain::Month;
use gongshang_store::NewDeferral;

use crate::common::*;

fn deferral(n: u32, first: &str, last: &str) -> NewDeferral {
    NewDeferral {
        unit: credit(n),
        scheme_id: "national.employees".parse().unwrap(),
        first_period: Month::parse(first).unwrap(),
        last_period: Month::parse(last).unwrap(),
        repay_by: d(2023, 12, 31),
        instrument: "人社厅发〔2022〕16号".into(),
        approved_on: d(2022, 5, 10),
    }
}

#[test]
fn mohrss_2022_16_a_deferral_is_kept_once_revoked_once_and_never_changed() {
    each_backend(|db| {
        let s = &*db.store;
        s.create_unit(&new_unit(1), ACTOR, now()).unwrap();
        let row = s
            .record_deferral(&deferral(1, "2022-04", "2023-03"), ACTOR, now())
            .unwrap();
        assert_eq!(row.repay_by, d(2023, 12, 31));
        assert_eq!(row.first_period.to_string(), "2022-04");
        assert_eq!(row.recorded_by, ACTOR);
        assert!(row.in_force());
        assert_eq!(s.deferrals_of_unit(&credit(1)).unwrap(), vec![row.clone()]);
        assert_eq!(s.deferrals_in_force().unwrap(), vec![row.clone()]);
        // Overlapping months of the same unit and scheme: refused.
        assert_eq!(
            s.record_deferral(&deferral(1, "2023-03", "2023-06"), ACTOR, now())
                .unwrap_err()
                .code(),
            "conflict",
            "{}",
            db.name
        );
        // A unit not registered.
        assert_eq!(
            s.record_deferral(&deferral(9, "2022-04", "2023-03"), ACTOR, now())
                .unwrap_err()
                .code(),
            "not_found"
        );
        assert!(
            db.raw_execute("UPDATE premium_deferrals SET repay_by = '2024-12-31'")
                .is_err(),
            "append-only on {}",
            db.name
        );
        assert!(db.raw_execute("DELETE FROM premium_deferrals").is_err());
        // Revoked once: then no longer in force, and the months free again.
        let revoked = s
            .revoke_deferral(
                row.id,
                d(2022, 8, 1),
                "recorded for the wrong unit",
                ACTOR,
                now(),
            )
            .unwrap();
        assert_eq!(
            revoked.revocation.as_ref().map(|r| r.revoked_on),
            Some(d(2022, 8, 1))
        );
        assert!(s.deferrals_in_force().unwrap().is_empty());
        assert_eq!(
            s.revoke_deferral(row.id, d(2022, 8, 2), "again", ACTOR, now())
                .unwrap_err()
                .code(),
            "duplicate"
        );
        assert_eq!(
            s.revoke_deferral(999, d(2022, 8, 2), "none", ACTOR, now())
                .unwrap_err()
                .code(),
            "not_found"
        );
        assert!(
            db.raw_execute("DELETE FROM premium_deferral_revocations")
                .is_err()
        );
        let again = s
            .record_deferral(&deferral(1, "2022-05", "2023-03"), ACTOR, now())
            .unwrap();
        assert_eq!(s.deferral(again.id).unwrap(), Some(again.clone()));
        assert_eq!(s.deferrals_of_unit(&credit(1)).unwrap().len(), 2);
        let actions: Vec<String> = s
            .audit_entries("unit", credit(1).as_str())
            .unwrap()
            .into_iter()
            .map(|e| e.action)
            .collect();
        assert!(actions.iter().any(|a| a == "record_deferral"));
        assert!(actions.iter().any(|a| a == "revoke_deferral"));
    });
}

/// Unit 1's monthly bills of 2025-01 to 2025-03 (guangdong.employees, each
/// 100 yuan, due 2025-04-15), of which 2025-01 and 2025-02 deferred to
/// 2025-06-30; unit 2's bill of 2025-01, not deferred. The deferral's id.
fn deferred_bills(s: &dyn gongshang_store::Store) -> i64 {
    let e1 = enrolled(s, 1, 1, "guangdong.employees");
    let e2 = enrolled(s, 2, 2, "guangdong.employees");
    for (month, unit, e) in [
        ("2025-01", 1, e1),
        ("2025-02", 1, e1),
        ("2025-03", 1, e1),
        ("2025-01", 2, e2),
    ] {
        let reference = format!("M{}-{unit}", month.replace('-', ""));
        s.issue_bill(
            &monthly_bill(&reference, unit, e, month, yuan("100")),
            ACTOR,
            now(),
        )
        .unwrap();
    }
    let row = s
        .record_deferral(
            &NewDeferral {
                scheme_id: "guangdong.employees".parse().unwrap(),
                repay_by: d(2025, 6, 30),
                ..deferral(1, "2025-01", "2025-02")
            },
            ACTOR,
            now(),
        )
        .unwrap();
    row.id
}

/// (overdue bills, outstanding) of unit 1 in the grading on `as_of`.
fn graded_overdue(
    s: &dyn gongshang_store::Store,
    as_of: jiff::civil::Date,
) -> (i64, gongshang_rules::Money) {
    let graded = s.grading_subjects(d(2024, 7, 1), as_of).unwrap();
    let u1 = graded
        .iter()
        .find(|g| g.subject.key == credit(1).as_str())
        .expect("unit 1 graded");
    (u1.counts.overdue_bills, u1.counts.outstanding)
}

/// (bills in arrears, arrears) of the dashboard on `day`.
fn dashboard_arrears(
    s: &dyn gongshang_store::Store,
    day: jiff::civil::Date,
) -> (u64, gongshang_rules::Money) {
    let c = s.dashboard_counts(day).unwrap();
    (c.arrears_bills, c.arrears)
}

#[test]
fn mohrss_2022_16_a_bill_read_carries_its_repayment_day_and_the_arrears_list_reads_it() {
    each_backend(|db| {
        let s = &*db.store;
        deferred_bills(s);
        let jan = s.bill_by_reference("M202501-1").unwrap().unwrap().status;
        assert_eq!(jan.deferred_to, Some(d(2025, 6, 30)), "{}", db.name);
        assert_eq!(jan.effective_due_date(), d(2025, 6, 30));
        assert_eq!(s.bill_status(jan.bill_id).unwrap(), jan);
        let mar = s.bill_by_reference("M202503-1").unwrap().unwrap().status;
        assert_eq!(mar.deferred_to, None, "March is not deferred");
        assert_eq!(mar.effective_due_date(), d(2025, 4, 15));
        let other = s.bill_by_reference("M202501-2").unwrap().unwrap().status;
        assert_eq!(other.deferred_to, None, "another unit's bill");
        let listed = s
            .bill_rows(&gongshang_store::views::ListQuery {
                after_id: 0,
                limit: 10,
                ..Default::default()
            })
            .unwrap();
        let deferred: Vec<_> = listed
            .iter()
            .filter_map(|b| {
                b.status
                    .deferred_to
                    .map(|to| (b.status.reference.as_str(), to))
            })
            .collect();
        assert_eq!(
            deferred,
            vec![("M202501-1", d(2025, 6, 30)), ("M202502-1", d(2025, 6, 30))]
        );
        let refs = |as_of| -> Vec<String> {
            s.arrears(as_of)
                .unwrap()
                .into_iter()
                .map(|b| b.reference)
                .collect()
        };
        assert_eq!(
            refs(d(2025, 5, 1)),
            vec!["M202503-1", "M202501-2"],
            "{}",
            db.name
        );
        assert_eq!(
            refs(d(2025, 6, 30)).len(),
            2,
            "the repayment day is on time"
        );
        assert_eq!(
            refs(d(2025, 7, 1)).len(),
            4,
            "past the repayment day, unpaid"
        );
    });
}

#[test]
fn mohrss_2022_16_a_deferred_bill_is_not_overdue_in_the_grading() {
    each_backend(|db| {
        let s = &*db.store;
        let id = deferred_bills(s);
        // Past the bills' own due date, within the deferral: only March.
        assert_eq!(
            graded_overdue(s, d(2025, 5, 1)),
            (1, yuan("100")),
            "{}",
            db.name
        );
        assert_eq!(
            graded_overdue(s, d(2025, 6, 30)).0,
            1,
            "on the repayment day"
        );
        // Past the repayment day, unpaid: all three.
        assert_eq!(graded_overdue(s, d(2025, 7, 1)), (3, yuan("300")));
        // A revoked deferral counts for nothing: the bills were due on
        // their own days.
        s.revoke_deferral(id, d(2025, 5, 2), "not qualified", ACTOR, now())
            .unwrap();
        assert_eq!(graded_overdue(s, d(2025, 5, 1)), (3, yuan("300")));
    });
}

#[test]
fn mohrss_2022_16_a_deferred_bill_is_not_in_the_dashboards_arrears() {
    each_backend(|db| {
        let s = &*db.store;
        let id = deferred_bills(s);
        assert_eq!(
            dashboard_arrears(s, d(2025, 5, 1)),
            (2, yuan("200")),
            "unit 1's March and unit 2's January on {}",
            db.name
        );
        assert_eq!(dashboard_arrears(s, d(2025, 6, 30)).0, 2);
        assert_eq!(dashboard_arrears(s, d(2025, 7, 1)), (4, yuan("400")));
        s.revoke_deferral(id, d(2025, 5, 2), "not qualified", ACTOR, now())
            .unwrap();
        assert_eq!(dashboard_arrears(s, d(2025, 5, 1)), (4, yuan("400")));
    });
}

/// The store's SQL (`BILL_DEFERRED_TO`, `BILL_EFFECTIVE_DUE_DATE`) agrees
/// with the pure rule (`gongshang_rules::deferral`) on every bill: a
/// deferral of another scheme covers nothing, a revoked one counts for
/// nothing, and a repayment day before the bill's own due date never
/// brings it forward.
#[test]
fn mohrss_2022_16_the_stores_effective_due_date_is_the_rules() {
    each_backend(|db| {
        let s = &*db.store;
        deferred_bills(s);
        // Unit 2: January deferred to a day before its own due date.
        s.record_deferral(
            &NewDeferral {
                scheme_id: "guangdong.employees".parse().unwrap(),
                repay_by: d(2025, 2, 1),
                ..deferral(2, "2025-01", "2025-01")
            },
            ACTOR,
            now(),
        )
        .unwrap();
        // Unit 1: another scheme's deferral, and a revoked one.
        s.record_deferral(&deferral(1, "2025-01", "2025-03"), ACTOR, now())
            .unwrap();
        let revoked = s
            .record_deferral(
                &NewDeferral {
                    scheme_id: "guangdong.employees".parse().unwrap(),
                    repay_by: d(2025, 9, 30),
                    ..deferral(1, "2025-03", "2025-03")
                },
                ACTOR,
                now(),
            )
            .unwrap();
        s.revoke_deferral(revoked.id, d(2025, 3, 1), "wrong month", ACTOR, now())
            .unwrap();

        let in_force = s.deferrals_in_force().unwrap();
        let bills = s
            .bill_rows(&gongshang_store::views::ListQuery {
                after_id: 0,
                limit: 10,
                ..Default::default()
            })
            .unwrap();
        assert_eq!(bills.len(), 4);
        for b in &bills {
            let rules: Vec<gongshang_rules::deferral::Deferral> = in_force
                .iter()
                .filter(|d| Some(d.unit) == b.status.unit && d.scheme_id == b.scheme_id)
                .map(|d| gongshang_rules::deferral::Deferral {
                    first_period: d.first_period.to_string(),
                    last_period: d.last_period.to_string(),
                    repay_by: d.repay_by,
                })
                .collect();
            let expected = gongshang_rules::deferral::deferred_to(&rules, &b.status.period);
            assert_eq!(
                b.status.deferred_to, expected,
                "{} on {}",
                b.status.reference, db.name
            );
            assert_eq!(
                b.status.effective_due_date(),
                gongshang_rules::deferral::effective_due_date(b.status.due_date, expected)
            );
        }
        let by_ref = |r: &str| {
            &bills
                .iter()
                .find(|b| b.status.reference == r)
                .unwrap()
                .status
        };
        assert_eq!(by_ref("M202501-2").deferred_to, Some(d(2025, 2, 1)));
        assert_eq!(by_ref("M202501-2").effective_due_date(), d(2025, 4, 15));
        assert_eq!(by_ref("M202503-1").deferred_to, None, "revoked");
        for day in [
            d(2025, 4, 15),
            d(2025, 4, 16),
            d(2025, 6, 30),
            d(2025, 7, 1),
        ] {
            let listed: Vec<String> = s
                .arrears(day)
                .unwrap()
                .into_iter()
                .map(|b| b.reference)
                .collect();
            let expected: Vec<String> = bills
                .iter()
                .filter(|b| b.status.effective_due_date() < day)
                .map(|b| b.status.reference.clone())
                .collect();
            let mut listed_sorted = listed.clone();
            listed_sorted.sort();
            let mut expected_sorted = expected;
            expected_sorted.sort();
            assert_eq!(listed_sorted, expected_sorted, "on {day} on {}", db.name);
            assert_eq!(
                s.dashboard_counts(day).unwrap().arrears_bills,
                listed.len() as u64
            );
        }
    });
}
