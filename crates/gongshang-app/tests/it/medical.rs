//! Medical, rehabilitation and assistive-device costs through the services,
//! on each backend (Regulations Arts 30-32, 47, 48; Decree 765 Arts 22, 43;
//! Jiangsu measures Arts 23-24).
//!
//! The case (see `cases::recognised`): an accident of 2025-03-10 in
//! Guangzhou, recognised on 2025-04-20; today is 2026-06-30. The hospital
//! GZ-0001 holds a medical agreement from 2025-01-01 to 2026-12-31. Its bill
//! of 8,500.00 for a stay of 2025-03-10 to 2025-03-20, 500.00 of it outside
//! the catalogues, is settled at 8,000.00 (Art 30(3)). The worker claims
//! back 1,200.00 they paid at the nearest hospital in an emergency
//! (Art 30(2)): received on 2026-06-30, decided by the 20th working day
//! after it, 2026-07-28 (Decree 765 Art 22).

use gongshang_app::accounts::{Actor, Role, Scope};
use gongshang_app::cases::{
    InstitutionRequest, MedicalBillRequest, MedicalBillStatus, SettleRequest,
};
use gongshang_domain::ids::RegionCode;
use gongshang_domain::medical::{BillLine, Dispute, InstitutionCode, Route, ServiceKind};
use jiff::civil::{Date, date};

use super::cases::{CHECKER, MAKER, application, each_backend, employee, recognised};
use super::{resident, yuan};

pub(super) fn institution(code: &str, kind: ServiceKind) -> InstitutionRequest {
    InstitutionRequest {
        code: InstitutionCode::parse(code).unwrap(),
        name: format!("协议机构{code}"),
        kind,
        region: RegionCode::parse("440100").unwrap(),
        agreement_from: date(2025, 1, 1),
        agreement_until: Some(date(2026, 12, 31)),
        suspended: None,
    }
}

pub(super) fn bill(
    kind: ServiceKind,
    code: Option<&str>,
    from: Date,
    within: &str,
    outside: &str,
) -> MedicalBillRequest {
    MedicalBillRequest {
        kind,
        institution: code.map(|c| InstitutionCode::parse(c).unwrap()),
        provider_name: None,
        service_from: from,
        service_until: from.checked_add(jiff::Span::new().days(10)).unwrap(),
        emergency: false,
        confirmation: None,
        received_on: None,
        lines: vec![BillLine {
            description: "住院医疗费".into(),
            within_catalogue: yuan(within),
            outside_catalogue: yuan(outside),
        }],
    }
}

fn worker(n: u32) -> Actor {
    Actor {
        login: format!("worker-{n}"),
        role: Role::Worker,
        scope: Scope::Person(resident("440106", date(1985, 4, 1), n)),
    }
}

#[test]
fn regs_art47_the_register_is_kept_by_clerks_and_read_by_everybody() {
    each_backend(|app, _| {
        let row = app
            .register_institution(&MAKER, &institution("GZ-0001", ServiceKind::Medical))
            .unwrap();
        assert_eq!(row.institution.kind, ServiceKind::Medical);
        let e = app
            .register_institution(&CHECKER, &institution("GZ-0002", ServiceKind::Medical))
            .unwrap_err();
        assert_eq!(e.code(), "forbidden");
        let e = app
            .register_institution(&MAKER, &institution("GZ-0001", ServiceKind::Medical))
            .unwrap_err();
        assert_eq!(e.code(), "duplicate", "{e}");
        let mut backwards = institution("GZ-0003", ServiceKind::Medical);
        backwards.agreement_until = Some(date(2024, 12, 31));
        let e = app.register_institution(&MAKER, &backwards).unwrap_err();
        assert_eq!(e.field(), Some("agreement_until"), "{e}");
        let listed = app.institutions(&worker(1)).unwrap();
        assert_eq!(listed.len(), 1);
    });
}

#[test]
fn regs_art30_and_art48_a_providers_bill_is_settled_within_the_catalogues() {
    each_backend(|app, _| {
        let number = recognised(app, 1);
        app.register_institution(&MAKER, &institution("GZ-0001", ServiceKind::Medical))
            .unwrap();
        let filed = app
            .file_medical_bill(
                &MAKER,
                &number,
                &bill(
                    ServiceKind::Medical,
                    Some("GZ-0001"),
                    date(2025, 3, 10),
                    "8000.00",
                    "500.00",
                ),
            )
            .unwrap();
        assert_eq!(filed.bill.route, Route::Direct);
        assert_eq!(filed.bill.provider_name, "协议机构GZ-0001");
        assert_eq!(filed.bill.due_on, None);
        let e = app
            .settle_medical_bill(&CHECKER, &number, filed.bill.id, &SettleRequest::default())
            .unwrap_err();
        assert_eq!(e.code(), "forbidden");
        let settled = app
            .settle_medical_bill(&MAKER, &number, filed.bill.id, &SettleRequest::default())
            .unwrap();
        assert_eq!(settled.bill.status, MedicalBillStatus::Settled);
        assert_eq!(settled.bill.payable, Some(yuan("8000.00")));
        assert_eq!(settled.bill.refused, Some(yuan("500.00")));
        // Paid through the fund's ledger in the settlement's transaction.
        assert_eq!(
            settled.bill.ledger_key,
            Some(format!("medical-bill-{}", filed.bill.id))
        );
        assert_eq!(settled.bill.settled_on, Some(date(2026, 6, 30)));
        assert_eq!(
            settled.bill.lines[0].refusal_code.as_deref(),
            Some("outside_catalogue")
        );
        assert!(
            settled.bill.lines[0]
                .article
                .as_deref()
                .unwrap()
                .contains("第三十条第三款")
        );
        let e = app
            .settle_medical_bill(&MAKER, &number, filed.bill.id, &SettleRequest::default())
            .unwrap_err();
        assert_eq!(e.code(), "conflict", "{e}");
        // An unregistered code is refused at its field.
        let e = app
            .file_medical_bill(
                &MAKER,
                &number,
                &bill(
                    ServiceKind::Medical,
                    Some("NOPE"),
                    date(2025, 3, 10),
                    "1.00",
                    "0",
                ),
            )
            .unwrap_err();
        assert_eq!(e.field(), Some("institution"), "{e}");
        // A bill of another kind at the medical institution is refused (Art 47).
        let mut device = bill(
            ServiceKind::AssistiveDevice,
            Some("GZ-0001"),
            date(2025, 6, 1),
            "3000.00",
            "0",
        );
        device.confirmation = Some("穗劳鉴辅〔2025〕12号".into());
        let device = app.file_medical_bill(&MAKER, &number, &device).unwrap();
        let device = app
            .settle_medical_bill(&MAKER, &number, device.bill.id, &SettleRequest::default())
            .unwrap();
        assert_eq!(device.bill.payable, Some(yuan("0.00")));
        assert_eq!(
            device.bill.lines[0].refusal_code.as_deref(),
            Some("wrong_kind")
        );
        assert_eq!(device.bill.ledger_key, None, "nothing paid, nothing posted");
    });
}

#[test]
fn decree765_art22_a_workers_claim_is_decided_within_20_working_days() {
    each_backend(|app, _| {
        let number = recognised(app, 1);
        let mut claim = bill(
            ServiceKind::Medical,
            None,
            date(2025, 3, 10),
            "1200.00",
            "0",
        );
        claim.provider_name = Some("就近医院".into());
        claim.emergency = true;
        let filed = app
            .claim_reimbursement(&worker(1), &number, &claim)
            .unwrap();
        assert_eq!(filed.bill.route, Route::ManualReimbursement);
        assert_eq!(filed.bill.received_on, date(2026, 6, 30));
        assert_eq!(filed.bill.due_on, Some(date(2026, 7, 28)));
        assert_eq!(filed.days_left, Some(28));
        // Another worker does not see the case; nor may a worker file a
        // provider's bill or date a claim back.
        let e = app
            .claim_reimbursement(&worker(2), &number, &claim)
            .unwrap_err();
        assert_eq!(e.code(), "not_found", "{e}");
        let e = app
            .file_medical_bill(&worker(1), &number, &claim)
            .unwrap_err();
        assert_eq!(e.code(), "forbidden");
        let mut backdated = claim.clone();
        backdated.received_on = Some(date(2026, 6, 1));
        let e = app
            .claim_reimbursement(&worker(1), &number, &backdated)
            .unwrap_err();
        assert_eq!(e.field(), Some("received_on"), "{e}");
        assert_eq!(app.medical_bills(&worker(1), &number).unwrap().len(), 1);
        // The claim waits on the clerk's queue, with its days left, until
        // it is settled.
        let queue = app.clerk_queue(&MAKER, None).unwrap();
        assert_eq!(
            queue
                .reimbursements
                .iter()
                .map(|c| (c.case_number.as_str(), c.bill.id, c.days_left))
                .collect::<Vec<_>>(),
            vec![(number.as_str(), filed.bill.id, Some(28))]
        );
        // Settled: the emergency at the nearest hospital is paid (Art 30(2)).
        let settled = app
            .settle_medical_bill(&MAKER, &number, filed.bill.id, &SettleRequest::default())
            .unwrap();
        assert_eq!(settled.bill.payable, Some(yuan("1200.00")));
        assert!(
            settled.bill.lines[0]
                .article
                .as_deref()
                .unwrap()
                .contains("第三十条第二款")
        );
        assert_eq!(settled.days_left, None);
        assert!(
            app.clerk_queue(&MAKER, None)
                .unwrap()
                .reimbursements
                .is_empty()
        );
    });
}

#[test]
fn regs_art31_decree765_art43_jiangsu_art24_holds_disputes_and_confirmations() {
    each_backend(|app, _| {
        let number = recognised(app, 1);
        app.register_institution(&MAKER, &institution("GZ-0001", ServiceKind::Medical))
            .unwrap();
        app.register_institution(&MAKER, &institution("GZ-R01", ServiceKind::Rehabilitation))
            .unwrap();
        // Payments to the hospital suspended: the bill waits (Decree 765 Art 43).
        let mut suspended = institution("GZ-0001", ServiceKind::Medical);
        suspended.suspended = Some("违规结算核查".into());
        app.update_institution(&MAKER, &suspended).unwrap();
        let b = app
            .file_medical_bill(
                &MAKER,
                &number,
                &bill(
                    ServiceKind::Medical,
                    Some("GZ-0001"),
                    date(2025, 5, 1),
                    "2000.00",
                    "0",
                ),
            )
            .unwrap();
        let held = app
            .settle_medical_bill(&MAKER, &number, b.bill.id, &SettleRequest::default())
            .unwrap();
        assert_eq!(held.bill.status, MedicalBillStatus::Held);
        assert_eq!(held.bill.hold_code.as_deref(), Some("provider_suspended"));
        // Resumed, and the recognition in court: still paid (Art 31).
        app.update_institution(&MAKER, &institution("GZ-0001", ServiceKind::Medical))
            .unwrap();
        let paid = app
            .settle_medical_bill(
                &MAKER,
                &number,
                b.bill.id,
                &SettleRequest {
                    dispute: Some(Dispute::Litigation),
                },
            )
            .unwrap();
        assert_eq!(paid.bill.payable, Some(yuan("2000.00")));
        assert_eq!(paid.bill.dispute, Some(Dispute::Litigation));
        assert!(
            paid.bill.lines[0]
                .article
                .as_deref()
                .unwrap()
                .contains("第三十一条")
        );
        // Rehabilitation without an expert's confirmation is refused (Jiangsu Art 24).
        let r = app
            .file_medical_bill(
                &MAKER,
                &number,
                &bill(
                    ServiceKind::Rehabilitation,
                    Some("GZ-R01"),
                    date(2025, 7, 1),
                    "5000.00",
                    "0",
                ),
            )
            .unwrap();
        let r = app
            .settle_medical_bill(&MAKER, &number, r.bill.id, &SettleRequest::default())
            .unwrap();
        assert_eq!(r.bill.payable, Some(yuan("0.00")));
        assert_eq!(
            r.bill.lines[0].refusal_code.as_deref(),
            Some("rehabilitation_unconfirmed")
        );
        // A case not yet decided: the bill waits; a dispute is refused.
        let (u, p) = employee(app, 2);
        let open = app
            .file_case(
                &MAKER,
                &application(u, p, "guangdong.employees", date(2026, 5, 4)),
            )
            .unwrap();
        let b = app
            .file_medical_bill(
                &MAKER,
                &open.number,
                &bill(
                    ServiceKind::Medical,
                    Some("GZ-0001"),
                    date(2026, 5, 4),
                    "900.00",
                    "0",
                ),
            )
            .unwrap();
        let e = app
            .settle_medical_bill(
                &MAKER,
                &open.number,
                b.bill.id,
                &SettleRequest {
                    dispute: Some(Dispute::AdministrativeReview),
                },
            )
            .unwrap_err();
        assert_eq!(e.field(), Some("dispute"), "{e}");
        let held = app
            .settle_medical_bill(&MAKER, &open.number, b.bill.id, &SettleRequest::default())
            .unwrap();
        assert_eq!(held.bill.hold_code.as_deref(), Some("case_undecided"));
        // The bill of one case is not settled through another.
        let e = app
            .settle_medical_bill(&MAKER, &number, b.bill.id, &SettleRequest::default())
            .unwrap_err();
        assert_eq!(e.code(), "not_found", "{e}");
    });
}
