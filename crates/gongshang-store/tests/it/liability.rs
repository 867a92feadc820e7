//! Successions, secondments, Art 44 suspensions and over-age agreements
//! (migration 0210), on both backends.

use gongshang_domain::liability::{Succession, SuccessionKind};
use gongshang_domain::over_age::OverAgeAgreement;
use gongshang_domain::posting::{CountryCode, Suspension, SuspensionReason};
use gongshang_rules::scheme::Category;
use gongshang_store::NewEngagement;
use gongshang_store::liability::{
    NewOverAgeAgreement, NewSecondment, NewSuccession, NewSuspension,
};

use crate::common::*;

fn succession(p: u32, s: u32, kind: SuccessionKind) -> NewSuccession {
    NewSuccession {
        succession: Succession {
            predecessor: credit(p),
            successor: credit(s),
            kind,
            effective_on: d(2026, 3, 1),
            document: format!("变更登记 {p}-{s}"),
            contractor_qualified: true,
        },
    }
}

#[test]
fn regs_art43_successions_are_kept_once_and_followed_from_a_unit() {
    each_backend(|db| {
        let s = &*db.store;
        for n in 1..=4 {
            s.create_unit(&new_unit(n), ACTOR, now()).unwrap();
        }
        let merged = s
            .record_succession(&succession(1, 2, SuccessionKind::Merger), ACTOR, now())
            .unwrap();
        assert_eq!(merged.predecessor, credit(1));
        assert_eq!(merged.successor, credit(2));
        assert_eq!(merged.kind, SuccessionKind::Merger);
        assert!(merged.contractor_qualified);
        s.record_succession(&succession(2, 3, SuccessionKind::Transfer), ACTOR, now())
            .unwrap();
        let mut unqualified = succession(4, 1, SuccessionKind::ContractingOut);
        unqualified.succession.contractor_qualified = false;
        s.record_succession(&unqualified, ACTOR, now()).unwrap();
        assert_eq!(
            s.record_succession(&succession(1, 2, SuccessionKind::Merger), ACTOR, now())
                .unwrap_err()
                .code(),
            "duplicate",
            "{}",
            db.name
        );
        assert_eq!(
            s.record_succession(&succession(1, 9, SuccessionKind::Merger), ACTOR, now())
                .unwrap_err()
                .code(),
            "not_found"
        );
        // Unit 1's changes: as predecessor (merger) and as contractor.
        assert_eq!(s.successions_of_unit(&credit(1)).unwrap().len(), 2);
        // From unit 1: the merger, the transfer after it, the contracting out to it.
        let chain = s.successions_from(&[credit(1)]).unwrap();
        assert_eq!(chain.len(), 3, "{}", db.name);
        assert!(chain.iter().any(|c| c.successor == credit(3)));
        assert_eq!(s.successions_from(&[credit(3)]).unwrap().len(), 0);
        assert_eq!(
            s.audit_entries("unit", credit(1).as_str()).unwrap().len(),
            2
        );
        assert!(
            db.raw_execute("DELETE FROM unit_successions").is_err(),
            "append-only on {}",
            db.name
        );
    });
}

#[test]
fn regs_art43_3_a_secondment_is_kept_with_its_engagement_and_ends_once() {
    each_backend(|db| {
        let s = &*db.store;
        s.create_unit(&new_unit(1), ACTOR, now()).unwrap();
        s.create_unit(&new_unit(2), ACTOR, now()).unwrap();
        s.create_person(&new_person(1), ACTOR, now()).unwrap();
        let engagement = s
            .add_engagement(
                &NewEngagement {
                    person: resident(1),
                    unit: credit(1),
                    category: Category::Employee,
                    start: d(2025, 1, 1),
                    end: None,
                },
                ACTOR,
                now(),
            )
            .unwrap();
        assert_eq!(
            s.engagement_by_id(engagement).unwrap().unwrap().unit,
            credit(1)
        );
        assert_eq!(s.engagement_by_id(999).unwrap(), None);
        let row = s
            .record_secondment(
                &NewSecondment {
                    engagement_id: engagement,
                    to_unit: credit(2),
                    start: d(2025, 3, 1),
                    end: None,
                    agreed_compensation_percent: Some(60),
                    agreement: Some("借调协议".into()),
                },
                ACTOR,
                now(),
            )
            .unwrap();
        assert_eq!(row.from_unit, credit(1));
        assert_eq!(row.to_unit, credit(2));
        assert_eq!(row.agreed_compensation_percent, Some(60));
        assert_eq!(row.person, resident(1));
        let ended = s
            .end_secondment(row.id, d(2025, 12, 31), ACTOR, now())
            .unwrap();
        assert_eq!(ended.end, Some(d(2025, 12, 31)));
        assert_eq!(
            s.end_secondment(row.id, d(2026, 1, 31), ACTOR, now())
                .unwrap_err()
                .code(),
            "conflict"
        );
        assert_eq!(
            s.secondments_of_person(&resident(1)).unwrap(),
            vec![ended.clone()]
        );
        assert_eq!(s.secondment(row.id).unwrap(), Some(ended));
        assert!(
            db.raw_execute("UPDATE secondments SET end_date = '2026-01-01'")
                .is_err()
        );
        assert!(db.raw_execute("DELETE FROM secondments").is_err());

        let agreement = OverAgeAgreement {
            signed_on: d(2026, 7, 1),
            term_start: d(2026, 7, 1),
            term_end: None,
            work_content: "理货".into(),
            work_place: "南京".into(),
            working_hours: "每日8小时".into(),
            pay: "每月4200元".into(),
            social_insurance: "工伤保险".into(),
            labour_protection: "防护用品".into(),
        };
        let kept = s
            .record_over_age_agreement(
                &NewOverAgeAgreement {
                    engagement_id: engagement,
                    agreement: agreement.clone(),
                },
                ACTOR,
                now(),
            )
            .unwrap();
        assert_eq!(kept.agreement, agreement);
        assert_eq!(kept.unit, credit(1));
        assert_eq!(
            s.over_age_agreements_of_person(&resident(1)).unwrap(),
            vec![kept]
        );
        assert!(db.raw_execute("DELETE FROM over_age_agreements").is_err());
    });
}

#[test]
fn regs_art44_a_suspension_is_kept_with_its_enrolment_and_ends_once_on_the_return() {
    each_backend(|db| {
        let s = &*db.store;
        let enrollment = enrolled(s, 1, 1, "guangdong.employees");
        let row = s
            .record_suspension(
                &NewSuspension {
                    enrollment_id: enrollment,
                    suspension: Suspension {
                        from: d(2026, 3, 10),
                        until: None,
                        country: CountryCode::parse("SG").unwrap(),
                        reason: SuspensionReason::PostedAbroadLocalInsurance,
                    },
                    document: "派遣函 2026-3".into(),
                },
                ACTOR,
                now(),
            )
            .unwrap();
        assert_eq!(row.unit, Some(credit(1)));
        assert_eq!(row.suspension.until, None);
        assert_eq!(
            s.end_suspension(row.id, d(2026, 3, 9), ACTOR, now())
                .unwrap_err()
                .code(),
            "invalid"
        );
        let ended = s
            .end_suspension(row.id, d(2026, 8, 31), ACTOR, now())
            .unwrap();
        assert_eq!(ended.suspension.until, Some(d(2026, 8, 31)));
        assert_eq!(
            s.end_suspension(row.id, d(2026, 9, 30), ACTOR, now())
                .unwrap_err()
                .code(),
            "conflict"
        );
        assert_eq!(
            s.suspensions_of_person(&resident(1)).unwrap(),
            vec![ended.clone()]
        );
        assert_eq!(
            s.suspensions_of_unit(&credit(1)).unwrap(),
            vec![ended.clone()]
        );
        assert_eq!(s.suspension(row.id).unwrap(), Some(ended));
        assert_eq!(
            s.audit_entries("suspension", &row.id.to_string())
                .unwrap()
                .len(),
            1
        );
        assert!(
            db.raw_execute("DELETE FROM enrollment_suspensions")
                .is_err()
        );
    });
}
