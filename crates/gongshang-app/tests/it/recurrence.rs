//! Regulations Art 38 (《工伤保险条例》第三十八条): a recurrence of a recognised
//! injury (旧伤复发), filed on the old case, confirmed by the agreement
//! institution or the appraisal committee, and the suspension wages of Art
//! 33 again, approved by a second person, on each backend.
//!
//! The case (see `cases::recognised`): an accident of 2025-03-10 in
//! Guangzhou, recognised on 2025-04-20. The injury recurs on 2026-04-01,
//! confirmed by the treating hospital on 2026-04-08. The worker earned
//! 7,800.00 a month at the recurrence and needs 3 months off work:
//! 7,800.00 × 3 = 23,400.00, the employer's to pay (Art 33), nothing from
//! the fund (the trial balance stays 0).

use gongshang_app::AppError;
use gongshang_app::cases::{RecurrenceAwardRequest, RecurrenceAwardStatus, RecurrenceRequest};
use gongshang_domain::recurrence::ConfirmingBody;
use gongshang_rules::Payer;
use jiff::civil::{Date, date};

use super::cases::{CHECKER, MAKER, application, each_backend, employee, recognised};
use super::{ADMIN, yuan};

fn confirmation(recurred_on: Date, confirmed_on: Date) -> RecurrenceRequest {
    RecurrenceRequest {
        recurred_on,
        confirmed_by: ConfirmingBody::AgreementInstitution,
        confirming_body_name: "广州市红十字会医院".into(),
        confirmed_on,
        document: "穗复发确〔2026〕0408号".into(),
        medical_note: "复发住院治疗费用由工伤保险基金按目录结算".into(),
    }
}

fn wages(wage: &str, months: u32) -> RecurrenceAwardRequest {
    RecurrenceAwardRequest {
        wage_at_recurrence: yuan(wage),
        suspension_months: months,
        suspension_extension_confirmed: false,
    }
}

/// 7,800.00 × 3 = 23,400.00 paid by the employer; the maker cannot approve
/// it; once approved the recurrence is settled; a second recurrence is
/// recorded on the same case, numbered 2.
#[test]
fn regs_art38_a_recurrence_pays_suspension_wages_again() {
    each_backend(|app, _| {
        let number = recognised(app, 1);
        // Before any recurrence there is nothing to compute.
        let none = app
            .compute_recurrence_award(&MAKER, &number, 1, &wages("7800.00", 3))
            .unwrap_err();
        assert_eq!(none.code(), "not_found", "{none}");
        // The reviewer does not record it (the clerk's work).
        let forbidden = app
            .record_recurrence(
                &CHECKER,
                &number,
                &confirmation(date(2026, 4, 1), date(2026, 4, 8)),
            )
            .unwrap_err();
        assert_eq!(forbidden.code(), "forbidden");
        // A recurrence is after the accident, confirmed after it recurred
        // and not after today (2026-06-30).
        for (bad, field) in [
            (
                confirmation(date(2025, 3, 10), date(2026, 4, 8)),
                "recurred_on",
            ),
            (
                confirmation(date(2026, 4, 1), date(2026, 3, 31)),
                "confirmed_on",
            ),
            (
                confirmation(date(2026, 4, 1), date(2026, 7, 1)),
                "confirmed_on",
            ),
        ] {
            let e = app.record_recurrence(&MAKER, &number, &bad).unwrap_err();
            assert_eq!(e.field(), Some(field), "{e}");
        }

        let r = app
            .record_recurrence(
                &MAKER,
                &number,
                &confirmation(date(2026, 4, 1), date(2026, 4, 8)),
            )
            .unwrap();
        assert_eq!(r.seq, 1);
        assert_eq!(r.confirmed_by, ConfirmingBody::AgreementInstitution);
        assert_eq!(r.recorded_by, "clerk:clerk-maker");

        // A Guangzhou case: Guangdong Art 34 gives a recurrence the paid
        // suspension of its Art 25, one maximum of 24 months with no
        // separate extension (not the Regulations' 12 + 12 of Art 33).
        let long = app
            .compute_recurrence_award(&MAKER, &number, 1, &wages("7800.00", 25))
            .unwrap_err();
        assert_eq!(long.field(), Some("suspension_months"), "{long}");

        let proposed = app
            .compute_recurrence_award(&MAKER, &number, 1, &wages("7800.00", 3))
            .unwrap();
        assert_eq!(proposed.status, RecurrenceAwardStatus::Proposed);
        assert_eq!(proposed.suspension_wages, yuan("23400.00"));
        assert_eq!(proposed.payer, Payer::Employer);
        assert!(
            proposed.trace.contains("art38.recurrence")
                && proposed.trace.contains("guangdong.art34.recurrence")
                && proposed.trace.contains("art33.suspension_wages"),
            "{}",
            proposed.trace
        );
        // A clerk does not approve; an administrator who computed an award
        // cannot approve it (maker-checker).
        let clerk = app
            .approve_recurrence_award(&MAKER, proposed.id)
            .unwrap_err();
        assert_eq!(clerk.code(), "forbidden", "{clerk}");
        let by_admin = app
            .compute_recurrence_award(&ADMIN, &number, 1, &wages("7800.00", 3))
            .unwrap();
        let own = app
            .approve_recurrence_award(&ADMIN, by_admin.id)
            .unwrap_err();
        assert_eq!(own.code(), "maker_checker", "{own}");
        let approved = app.approve_recurrence_award(&CHECKER, proposed.id).unwrap();
        assert_eq!(approved.status, RecurrenceAwardStatus::Approved);
        assert_eq!(
            approved.checked_by.as_deref(),
            Some("reviewer:reviewer-checker")
        );
        // The recurrence's other proposal is withdrawn.
        let withdrawn = app
            .approve_recurrence_award(&CHECKER, by_admin.id)
            .unwrap_err();
        assert_eq!(withdrawn.code(), AppError::CONFLICT, "{withdrawn}");
        let again = app
            .approve_recurrence_award(&CHECKER, proposed.id)
            .unwrap_err();
        assert_eq!(again.code(), AppError::CONFLICT, "{again}");
        let settled = app
            .compute_recurrence_award(&MAKER, &number, 1, &wages("8000.00", 2))
            .unwrap_err();
        assert_eq!(settled.code(), AppError::CONFLICT, "{settled}");

        // A second recurrence on the same case, after the first.
        let before = app
            .record_recurrence(
                &MAKER,
                &number,
                &confirmation(date(2026, 3, 1), date(2026, 5, 8)),
            )
            .unwrap_err();
        assert_eq!(before.field(), Some("recurred_on"), "{before}");
        let mut by_committee = confirmation(date(2026, 6, 1), date(2026, 6, 20));
        by_committee.confirmed_by = ConfirmingBody::AppraisalCommittee;
        let second = app
            .record_recurrence(&MAKER, &number, &by_committee)
            .unwrap();
        assert_eq!(second.seq, 2);
        let all = app.recurrences(&CHECKER, &number).unwrap();
        assert_eq!(all.len(), 2);
        let statuses: Vec<_> = all[0].awards.iter().map(|a| a.status).collect();
        assert_eq!(
            statuses,
            [
                RecurrenceAwardStatus::Approved,
                RecurrenceAwardStatus::Withdrawn
            ]
        );
        assert!(all[1].awards.is_empty());
    });
}

/// A case not recognised has no recurrence: it is refused as a conflict.
#[test]
fn regs_art38_a_recurrence_is_of_a_recognised_injury_only() {
    each_backend(|app, _| {
        let (u, p) = employee(app, 2);
        let case = app
            .file_case(
                &MAKER,
                &application(u, p, "guangdong.employees", date(2025, 3, 10)),
            )
            .unwrap();
        let e = app
            .record_recurrence(
                &MAKER,
                &case.number,
                &confirmation(date(2026, 4, 1), date(2026, 4, 8)),
            )
            .unwrap_err();
        assert_eq!(e.code(), AppError::CONFLICT, "{e}");
        assert!(app.recurrences(&MAKER, &case.number).unwrap().is_empty());
    });
}
