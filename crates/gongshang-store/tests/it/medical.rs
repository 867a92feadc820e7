//! The register of agreement institutions and a case's medical bills
//! (migration 0200), on both backends: an institution's code once, a
//! renewal and a suspension audited, a bill's lines kept in order, held
//! while it waits, settled once with each line's parts adding up.

use gongshang_domain::case::Flow;
use gongshang_domain::ids::RegionCode;
use gongshang_domain::medical::{Dispute, Institution, InstitutionCode, Route, ServiceKind};
use gongshang_rules::Money;
use gongshang_store::cases::{
    CaseAppend, CaseSnapshot, MedicalBillStatus, MedicalSettlementIn, NewCase, NewCaseEvent,
    NewMedicalBill, NewMedicalBillLine, SettledLineIn,
};
use gongshang_store::{Store, StoreError};
use jiff::civil::date;

use crate::common::*;

fn case(store: &dyn Store) -> i64 {
    store
        .create_case(
            &NewCase {
                number: None,
                flow: Flow::Determination,
                person: resident(7),
                unit: Some(credit(1)),
                scheme_id: "guangdong.employees".parse().unwrap(),
                jurisdiction: "guangdong".into(),
                region: Some("440106".into()),
                accident_key: "acc-medical".into(),
                accident_date: date(2026, 2, 1),
                platform: None,
            },
            &CaseAppend {
                expected_version: 0,
                events: vec![NewCaseEvent {
                    stream: "determination".parse().unwrap(),
                    kind: "filed".into(),
                    format: 1,
                    on: date(2026, 2, 3),
                    body: r#"{"event":"filed","on":"2026-02-03"}"#.into(),
                }],
                snapshot: CaseSnapshot {
                    state: "completeness_review".parse().unwrap(),
                    closed: false,
                    deadline: None,
                },
                recognises: None,
                conclusions: Vec::new(),
            },
            ACTOR,
            now(),
        )
        .unwrap()
        .id
}

fn hospital() -> Institution {
    Institution {
        code: InstitutionCode::parse("GZ-0001").unwrap(),
        name: "广州市第一人民医院".into(),
        kind: ServiceKind::Medical,
        region: RegionCode::parse("440100").unwrap(),
        agreement_from: date(2025, 1, 1),
        agreement_until: Some(date(2026, 12, 31)),
        suspended: None,
    }
}

fn bill(case_id: i64) -> NewMedicalBill {
    NewMedicalBill {
        case_id,
        kind: ServiceKind::Medical,
        route: Route::ManualReimbursement,
        institution: Some(InstitutionCode::parse("GZ-0001").unwrap()),
        provider_name: "广州市第一人民医院".into(),
        service_from: date(2026, 2, 1),
        service_until: date(2026, 2, 10),
        emergency: false,
        confirmation: None,
        received_on: date(2026, 3, 2),
        due_on: Some(date(2026, 3, 30)),
        due_provisional: false,
        lines: vec![
            NewMedicalBillLine {
                description: "住院".into(),
                within_catalogue: yuan("8000.00"),
                outside_catalogue: yuan("500.00"),
            },
            NewMedicalBillLine {
                description: "自费药品".into(),
                within_catalogue: Money::ZERO,
                outside_catalogue: yuan("300.00"),
            },
        ],
    }
}

#[test]
fn regs_art47_institutions_are_registered_once_renewed_and_suspended() {
    each_backend(|db| {
        let s = &*db.store;
        let row = s.register_institution(&hospital(), ACTOR, now()).unwrap();
        assert_eq!(row.institution, hospital());
        assert!(matches!(
            s.register_institution(&hospital(), ACTOR, now()),
            Err(StoreError::Duplicate { .. })
        ));
        let mut changed = hospital();
        changed.agreement_until = Some(date(2028, 12, 31));
        changed.suspended = Some("违规结算核查中".into());
        let row = s.update_institution(&changed, "clerk-2", now()).unwrap();
        assert_eq!(row.institution, changed);
        assert_eq!(
            (row.recorded_by.as_str(), row.changed_by.as_str()),
            (ACTOR, "clerk-2")
        );
        let mut unknown = hospital();
        unknown.code = InstitutionCode::parse("NONE").unwrap();
        assert!(matches!(
            s.update_institution(&unknown, ACTOR, now()),
            Err(StoreError::NotFound { .. })
        ));
        assert_eq!(s.institutions().unwrap().len(), 1);
        assert_eq!(
            s.institution(&hospital().code)
                .unwrap()
                .map(|r| r.institution),
            Some(changed)
        );
    });
}

#[test]
fn decree765_art22_a_bill_is_filed_held_and_settled_once() {
    each_backend(|db| {
        let s = &*db.store;
        let case_id = case(s);
        let filed = s.file_medical_bill(&bill(case_id), ACTOR, now()).unwrap();
        assert_eq!(filed.status, MedicalBillStatus::Received);
        assert_eq!(filed.total, yuan("8800.00"));
        assert_eq!(filed.lines.len(), 2);
        assert_eq!(filed.due_on, Some(date(2026, 3, 30)));
        let held = s
            .hold_medical_bill(filed.id, "case_undecided", "not decided", ACTOR, now())
            .unwrap();
        assert_eq!(held.status, MedicalBillStatus::Held);
        let line = |n: i64, payable: &str, refused: &str| SettledLineIn {
            line: n,
            payable: yuan(payable),
            refused: yuan(refused),
            refusal_code: Some("outside_catalogue".into()),
            refusal_reason: Some("outside".into()),
            article: "工伤保险条例 第三十条第三款".into(),
        };
        let paid = |amount: &str| {
            Some(
                gongshang_domain::ledger::medical_costs_paid(
                    key("medical-bill-1"),
                    reference("medical-bill-1"),
                    yuan(amount),
                )
                .unwrap(),
            )
        };
        let wrong = MedicalSettlementIn {
            lines: vec![line(1, "8000.00", "400.00"), line(2, "0.00", "300.00")],
            dispute: None,
            settled_on: date(2026, 3, 20),
            ledger: paid("8000.00"),
        };
        assert!(matches!(
            s.settle_medical_bill(filed.id, &wrong, "clerk-2", now()),
            Err(StoreError::InvalidInput { field: "lines", .. })
        ));
        let unposted = MedicalSettlementIn {
            lines: vec![line(1, "8000.00", "500.00"), line(2, "0.00", "300.00")],
            dispute: None,
            settled_on: date(2026, 3, 20),
            ledger: paid("7000.00"),
        };
        assert!(matches!(
            s.settle_medical_bill(filed.id, &unposted, "clerk-2", now()),
            Err(StoreError::InvalidInput {
                field: "ledger",
                ..
            })
        ));
        let right = MedicalSettlementIn {
            lines: vec![line(1, "8000.00", "500.00"), line(2, "0.00", "300.00")],
            dispute: Some(Dispute::AdministrativeReview),
            settled_on: date(2026, 3, 20),
            ledger: paid("8000.00"),
        };
        let settled = s
            .settle_medical_bill(filed.id, &right, "clerk-2", now())
            .unwrap();
        assert_eq!(settled.status, MedicalBillStatus::Settled);
        assert_eq!(settled.payable, Some(yuan("8000.00")));
        assert_eq!(settled.refused, Some(yuan("800.00")));
        assert_eq!(settled.dispute, Some(Dispute::AdministrativeReview));
        assert_eq!(settled.hold_code, None);
        assert_eq!(settled.ledger_key.as_deref(), Some("medical-bill-1"));
        // The fund's flows: a benefit item of its own in the month settled,
        // the same in the summary and recomputed from the ledger.
        let flows = s.fund_flows("2026-12").unwrap();
        let medical: Vec<_> = flows.iter().filter(|f| f.item == "medical_costs").collect();
        assert_eq!(medical.len(), 1, "{flows:?}");
        assert_eq!(
            (medical[0].month.as_str(), medical[0].amount),
            ("2026-03", yuan("8000.00"))
        );
        assert_eq!(flows, s.fund_flows_from_ledger("2026-12").unwrap());
        assert_balanced(db);
        assert_eq!(settled.lines[0].payable, Some(yuan("8000.00")));
        assert!(matches!(
            s.settle_medical_bill(filed.id, &right, "clerk-2", now()),
            Err(StoreError::Conflict { .. })
        ));
        assert!(matches!(
            s.hold_medical_bill(filed.id, "x", "y", ACTOR, now()),
            Err(StoreError::Conflict { .. })
        ));
        assert_eq!(s.medical_bills_of_case(case_id).unwrap(), vec![settled]);
        assert!(matches!(
            s.file_medical_bill(&bill(case_id + 1000), ACTOR, now()),
            Err(StoreError::NotFound { .. })
        ));
    });
}
