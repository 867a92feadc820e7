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
