//! The one table of who may do what, as data, and every use case checked
//! against it: an actor whose role may not do a use case's action is refused
//! with `forbidden` (that action), and one whose role may is never refused
//! so (it may still be refused for its scope, or for the input).

use std::sync::Arc;

use gongshang_app::accounts::{Action, Actor, Role, Scope};
use gongshang_app::cases::{AwardRequest, CaseCommand, FileCaseRequest};
use gongshang_app::tickets::{TicketAction, TicketInput};
use gongshang_app::{App, AppError, At, EnrollRequest, FixedClock, PaymentRequest};
use gongshang_domain::determination::{self, ApplicantRole, Ground};
use gongshang_domain::ids::PlatformId;
use gongshang_domain::month::Month;
use gongshang_domain::ticket::ReferralReport;
use gongshang_rules::scheme::Category;
use gongshang_store::{NewEngagement, Page, SqliteStore};
use jiff::civil::date;

use super::{ACTOR, credit, person, resident, ts, unit, yuan};

/// The table: for each action, the roles that may (c clerk, r reviewer,
/// a administrator, u unit, w worker, s analyst, f front desk, m mediator,
/// p partner body). Changing who may do what
/// is a change here, reviewed like the code.
const TABLE: &[(Action, &str)] = &[
    (Action::ReadRegistry, "c r a u w"),
    (Action::ListUnits, "c r a"),
    (Action::RegisterUnit, "c a"),
    (Action::RegisterPerson, "c a u"),
    (Action::AddEngagement, "c a u"),
    (Action::Enrol, "c a u"),
    (Action::EndEnrolment, "c a u"),
    (Action::ReadBills, "c r a u w"),
    (Action::Declare, "c a u"),
    (Action::BuyDays, "c a w"),
    (Action::RecordPayment, "c a"),
    (Action::ReadArrears, "c r a"),
    (Action::ImportOrders, "c a u"),
    (Action::Reconcile, "c r a u s"),
    (Action::BillOrders, "c a"),
    (Action::ReadCoverage, "c r a u w"),
    (Action::ReadCase, "c r a u w"),
    (Action::FileCase, "c a u w"),
    (Action::ReadWorkQueue, "c r a"),
    (Action::ActOnCase, "c a"),
    (Action::ComputeAward, "c a"),
    (Action::ApproveAward, "r a"),
    (Action::PayOneTime, "c a"),
    (Action::RunPayroll, "c a"),
    (Action::ReadPayroll, "c r a s"),
    (Action::ManageBenefits, "c a"),
    (Action::ManageAccounts, "a"),
    (Action::ManageCalendar, "a"),
    (Action::ReadStatistics, "c r a s"),
    (Action::FileTicket, "c a u w f"),
    (Action::ReadTickets, "c r a u w f m p"),
    (Action::TriageTicket, "a f"),
    (Action::MediateTicket, "a m"),
    (Action::ReferTicket, "a f m"),
    (Action::ReportReferral, "a f m p"),
    (Action::CloseTicket, "a f m"),
    (Action::EscalateTickets, "a f m"),
    (Action::ConsentToDisclosure, "w"),
    (Action::ReadTicketStatistics, "c r a s f m"),
    // Issue 13.
    (Action::ReadParameters, "c r a s"),
    // issue 13
    (Action::PayOwnBill, "u"),
    (Action::ReadArticleMap, "c r a s"),
    // issue 14
    (Action::ReadFund, "c r a s"),
    (Action::RunReserve, "c a"),
    (Action::RunSimulation, "c r a s"),
    // issue 16
    (Action::RunMonitor, "c r a"),
    (Action::ReadAlerts, "c r a s"),
    (Action::HandleAlert, "c r a"),
    // issue 17: recusal (Regulations Art 20(4))
    (Action::RecordRecusal, "c r a"),
    (Action::ReadRecusals, "c r a"),
    // issue 12
    (Action::RecordOverpayment, "c a"),
    (Action::RecoverOverpayment, "c a"),
    (Action::ReadOverpayments, "c r a"),
    (Action::ReadPayoutRatios, "c r a u s"),
    // issue 12: Regulations Art 41
    (Action::RecordMissingWorker, "c a"),
    // issues 16, 12, 17: Decree 765 Arts 9, 26
    (Action::ImportLifeEvents, "c a"),
    (Action::RecordBeneficiary, "c a"),
    (Action::RunMatching, "c a"),
    (Action::ReadMatching, "c r a"),
    (Action::RecordVerification, "c a"),
    // issue 17: Regulations Art 38
    (Action::RecordRecurrence, "c a"),
    // issue 17: Order No. 55 Art 31
    (Action::RecordAppraisalRevision, "c a"),
    (Action::ApplyAppraisalRevision, "r a"),
    // issue 14: Regulations Art 12
    (Action::RecordAppraisalFee, "c a"),
    (Action::ReadAppraisalFees, "c r a"),
    // Regulations Arts 43-44, Jiangsu Arts 35-36, Order No. 56 Art 6
    (Action::RecordSuccession, "c a"),
    (Action::RecordPosting, "c a"),
    (Action::RecordSecondment, "c a u"),
    (Action::RecordOverAgeAgreement, "c a u"),
    // Regulations Arts 30-32, 47-48; Decree 765 Arts 22, 43
    (Action::RegisterInstitution, "c a"),
    (Action::ReadInstitutions, "c r a u w s f m p"),
    (Action::FileMedicalBill, "c a"),
    (Action::ClaimReimbursement, "c a w"),
    (Action::SettleMedicalBill, "c a"),
    (Action::ReadMedicalBills, "c r a u w"),
    // Regulations Art 62(3)
    (Action::RecordBackPayment, "c a"),
    // Social Insurance Law Arts 41-42; Order No. 15
    (Action::ApplyAdvance, "c a w"),
    (Action::DecideAdvance, "c a"),
    (Action::PayAdvance, "r a"),
    (Action::RecordAdvanceRecovery, "c a"),
    (Action::EndMonthlyAdvance, "c a"),
    // Social Insurance Law Art 86; Regulations Art 62(1)
    (Action::RecordLateFeePayment, "c a"),
    // 人社厅发〔2022〕16号, 人社部发〔2022〕31号
    (Action::RecordDeferral, "c a"),
    // Guangdong Regulations Art 56
    (Action::RecordUnitDuePayment, "c a"),
    (Action::RecordStopReport, "c a"),
    (Action::ReadStopReports, "c r a"),
    (Action::ReceiveRegistration, "c a u"),
    (Action::CompleteRegistration, "c a"),
    (Action::ReadRegistrations, "c r a u"),
    (Action::RecordCredit, "c r a"),
    (Action::ReadCredit, "c r a"),
    // Regulations Art 35 para 2
    (Action::ReadMedicalInsuranceBases, "c r a u"),
    // Decree 765 Art 10
    (Action::CancelUnit, "c a"),
    // issue 14: saved scenarios and simulation jobs
    (Action::SaveScenario, "c r a s"),
    (Action::ReadScenarios, "c r a s"),
    (Action::RunSimulationJob, "c r a s"),
    (Action::ReadSimulationJobs, "c r a s"),
];

fn letter(role: Role) -> &'static str {
    match role {
        Role::Clerk => "c",
        Role::Reviewer => "r",
        Role::Administrator => "a",
        Role::Unit => "u",
        Role::Worker => "w",
        Role::Analyst => "s",
        Role::FrontDesk => "f",
        Role::Mediator => "m",
        Role::Partner => "p",
    }
}

#[test]
fn the_action_table_is_the_one_written_here() {
    assert_eq!(
        TABLE.len(),
        Action::ALL.len(),
        "every action is in the table"
    );
    for (action, roles) in TABLE {
        let allowed: Vec<&str> = roles.split_whitespace().collect();
        for role in Role::ALL {
            assert_eq!(
                role.may(*action),
                allowed.contains(&letter(role)),
                "{action:?} for {role:?}"
            );
        }
    }
}

type UseCase = (
    Action,
    &'static str,
    Box<dyn Fn(&App, &Actor) -> Result<(), AppError>>,
);

fn ok<T>(r: Result<T, AppError>) -> Result<(), AppError> {
    r.map(drop)
}

fn refused_for(result: &Result<(), AppError>, action: Action) -> bool {
    matches!(result, Err(AppError::Forbidden { action: a }) if *a == action)
}

#[test]
fn every_use_case_asks_the_table_for_its_action() {
    let clock = Arc::new(FixedClock::new(ts("2025-06-30T02:00:00Z")));
    let app = App::new(
        Box::new(SqliteStore::open("sqlite::memory:").unwrap()),
        clock,
    )
    .unwrap();
    let u = unit(&app, 1, "440106");
    let p = person(&app, "440106", date(1985, 1, 1), 1);
    app.enroll(
        &ACTOR,
        &EnrollRequest {
            person: p,
            unit: Some(u),
            scheme_id: "guangdong.employees".parse().unwrap(),
            category: Category::Employee,
            start: date(2025, 1, 1),
            labour_relation: true,
            commitment: None,
        },
    )
    .unwrap();
    let platform = PlatformId::parse("meituan").unwrap();
    let month = Month::parse("2025-05").unwrap();
    let actors: Vec<Actor> = Role::ALL
        .into_iter()
        .map(|role| Actor {
            login: format!("{role:?}").to_lowercase(),
            role,
            scope: match role {
                Role::Clerk | Role::Reviewer | Role::Administrator => Scope::All,
                Role::Unit => Scope::Unit {
                    unit: u,
                    platform: Some(platform.clone()),
                },
                Role::Worker => Scope::Person(p),
                Role::Analyst => Scope::StatisticsOnly,
                Role::FrontDesk | Role::Mediator => Scope::All,
                Role::Partner => Scope::Partner("xm-arbitration".into()),
            },
        })
        .collect();
    let fresh = std::sync::atomic::AtomicU32::new(100);
    let next = move || fresh.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let application = FileCaseRequest {
        number: None,
        person: p,
        unit: u,
        scheme_id: "guangdong.employees".parse().unwrap(),
        region: None,
        applicant: ApplicantRole::Unit,
        accident_date: date(2025, 6, 1),
        filed_on: None,
        ground_claimed: Ground::Art14WorkAccident,
        materials: Default::default(),
        accident_key: None,
        intern_school: None,
    };
    let cases: Vec<UseCase> = vec![
        (
            Action::ReadRegistry,
            "person",
            Box::new(move |a, x| ok(a.person(x, &p))),
        ),
        (
            Action::ReadRegistry,
            "unit",
            Box::new(move |a, x| ok(a.unit(x, &u))),
        ),
        (
            Action::ListUnits,
            "list_units",
            Box::new(|a, x| ok(a.list_units(x, Page::first(10)))),
        ),
        (
            Action::RegisterUnit,
            "register_unit",
            Box::new(move |a, x| {
                ok(a.register_unit(
                    x,
                    &gongshang_app::UnitInput {
                        credit_code: credit(next(), "440106").as_str().into(),
                        name: "单位".into(),
                        kind: "enterprise".into(),
                        region: "440106".into(),
                        industry_class: "1".into(),
                        floating_tier: String::new(),
                    },
                ))
            }),
        ),
        (
            Action::RegisterPerson,
            "register_person",
            Box::new(|a, x| {
                ok(a.register_person(x, resident("440106", date(1990, 1, 1), 7).as_str(), "李四"))
            }),
        ),
        (
            Action::AddEngagement,
            "add_engagement",
            Box::new(move |a, x| {
                ok(a.add_engagement(
                    x,
                    &NewEngagement {
                        person: p,
                        unit: u,
                        category: Category::Employee,
                        start: date(2025, 1, 1),
                        end: None,
                    },
                ))
            }),
        ),
        (
            Action::Enrol,
            "check_enrollment",
            Box::new(move |a, x| {
                ok(a.check_enrollment(
                    x,
                    &EnrollRequest {
                        person: p,
                        unit: Some(u),
                        scheme_id: "guangdong.employees".parse().unwrap(),
                        category: Category::Employee,
                        start: date(2025, 7, 1),
                        labour_relation: true,
                        commitment: None,
                    },
                ))
            }),
        ),
        (
            Action::EndEnrolment,
            "end_enrollment",
            Box::new(|a, x| ok(a.end_enrollment(x, 999_999, date(2025, 7, 1)))),
        ),
        (
            Action::ReadBills,
            "bills_of_month",
            Box::new(move |a, x| ok(a.bills_of_month(x, month, None))),
        ),
        (
            Action::ReadBills,
            "bill_status",
            Box::new(|a, x| ok(a.bill_status(x, 999_999))),
        ),
        (
            Action::Declare,
            "declare_month",
            Box::new(move |a, x| {
                ok(a.declare_month(
                    x,
                    &u,
                    &"guangdong.employees".parse().unwrap(),
                    month,
                    &[(p, yuan("8000"))],
                ))
            }),
        ),
        (
            Action::BuyDays,
            "buy_days",
            Box::new(move |a, x| {
                ok(a.buy_days(
                    x,
                    &p,
                    &"xiamen.yilubao".parse().unwrap(),
                    date(2025, 7, 1),
                    3,
                ))
            }),
        ),
        (
            Action::RecordPayment,
            "record_payment",
            Box::new(|a, x| {
                ok(a.record_payment(
                    x,
                    &PaymentRequest {
                        bill_id: 999_999,
                        amount: yuan("1"),
                        paid_on: date(2025, 6, 30),
                        idempotency_key: "k".into(),
                        payer: None,
                    },
                ))
            }),
        ),
        (
            Action::ReadArrears,
            "arrears",
            Box::new(|a, x| ok(a.arrears(x, date(2025, 6, 30)))),
        ),
        (
            Action::ReadArrears,
            "late_fees_owed",
            Box::new(|a, x| ok(a.late_fees_owed(x))),
        ),
        (
            Action::ReadBills,
            "late_fees_of_unit",
            Box::new(move |a, x| ok(a.late_fees_of_unit(x, &credit(9, "440106")))),
        ),
        (
            Action::RecordLateFeePayment,
            "record_late_fee_payment",
            Box::new(|a, x| {
                ok(a.record_late_fee_payment(
                    x,
                    &gongshang_app::late_fees::LateFeePaymentRequest {
                        bill_id: 999_999,
                        amount: yuan("1"),
                        paid_on: date(2025, 6, 30),
                        idempotency_key: "k".into(),
                    },
                ))
            }),
        ),
        (
            Action::RecordDeferral,
            "record_deferral",
            Box::new(move |a, x| {
                ok(a.record_deferral(
                    x,
                    &gongshang_app::deferrals::DeferralRequest {
                        unit: credit(9, "440106"),
                        scheme_id: "guangdong.employees".parse().unwrap(),
                        first_period: month,
                        last_period: month,
                        repay_by: date(2099, 12, 31),
                        instrument: "人社厅发〔2022〕16号".into(),
                        approved_on: date(2020, 1, 1),
                    },
                ))
            }),
        ),
        (
            Action::RecordDeferral,
            "revoke_deferral",
            Box::new(|a, x| {
                ok(a.revoke_deferral(
                    x,
                    &gongshang_app::deferrals::DeferralRevocationRequest {
                        deferral_id: 999_999,
                        revoked_on: date(2020, 1, 1),
                        reason: "r".into(),
                    },
                ))
            }),
        ),
        (
            Action::ImportOrders,
            "begin_order_import",
            Box::new(|a, x| ok(a.begin_orders_import(x, "test"))),
        ),
        (
            Action::Reconcile,
            "reconcile",
            Box::new({
                let platform = platform.clone();
                move |a, x| ok(a.reconcile(x, &platform, month, None, None))
            }),
        ),
        (
            Action::BillOrders,
            "bill_orders",
            Box::new({
                let platform = platform.clone();
                move |a, x| ok(a.bill_orders(x, &platform, month))
            }),
        ),
        (
            Action::ReadCoverage,
            "coverage",
            Box::new(move |a, x| ok(a.coverage(x, &p, At::Day(date(2025, 6, 1)), None))),
        ),
        (
            Action::ReadCase,
            "case_view",
            Box::new(|a, x| ok(a.case_view(x, "GS-NONE"))),
        ),
        (
            Action::FileCase,
            "file_case",
            Box::new(move |a, x| ok(a.file_case(x, &application))),
        ),
        (
            Action::ReadWorkQueue,
            "work_queue",
            Box::new(|a, x| ok(a.work_queue(x, 10))),
        ),
        (
            Action::ActOnCase,
            "act",
            Box::new(|a, x| {
                ok(a.act(
                    x,
                    "GS-NONE",
                    CaseCommand::Determination(determination::Command::Accept),
                    None,
                ))
            }),
        ),
        (
            Action::ComputeAward,
            "compute_award",
            Box::new(|a, x| {
                ok(a.compute_award(
                    x,
                    "GS-NONE",
                    &AwardRequest {
                        facts: serde_json::json!({"own_wage": "8000"}),
                        basis: "initial".parse().unwrap(),
                        dependant_birth_dates: Vec::new(),
                        replaces: None,
                    },
                ))
            }),
        ),
        (
            Action::ApproveAward,
            "approve_award",
            Box::new(|a, x| ok(a.approve_award(x, 999_999))),
        ),
        (
            Action::PayOneTime,
            "pay_one_time",
            Box::new(|a, x| ok(a.pay_one_time(x, "GS-NONE", date(2025, 6, 30)))),
        ),
        (
            Action::RunPayroll,
            "run_payroll",
            Box::new(move |a, x| ok(a.run_payroll(x, month))),
        ),
        (
            Action::ReadPayroll,
            "payroll_runs",
            Box::new(move |a, x| ok(a.payroll_runs(x, month))),
        ),
        (
            Action::ManageBenefits,
            "suspend_benefit",
            Box::new(|a, x| ok(a.suspend_benefit(x, 999_999, "test"))),
        ),
        (
            Action::ManageAccounts,
            "list_accounts",
            Box::new(|a, x| ok(a.list_accounts(x, Page::first(10)))),
        ),
        (
            Action::ManageCalendar,
            "load_holiday_year",
            Box::new(|a, x| ok(a.load_holiday_year(x, "not toml"))),
        ),
        (
            Action::ReadStatistics,
            "dashboard",
            Box::new(|a, x| ok(a.dashboard(x))),
        ),
        (
            Action::FileTicket,
            "file_ticket",
            Box::new(|a, x| ok(a.file_ticket(x, &TicketInput::default()))),
        ),
        (
            Action::ReadTickets,
            "ticket_list",
            Box::new(|a, x| ok(a.ticket_list(x, true, 10))),
        ),
        (
            Action::TriageTicket,
            "triage",
            Box::new(|a, x| {
                ok(a.act_on_ticket(
                    x,
                    "SQ-none",
                    TicketAction::Triage {
                        category: "complaint".into(),
                        note: String::new(),
                    },
                ))
            }),
        ),
        (
            Action::MediateTicket,
            "extend_mediation",
            Box::new(|a, x| {
                ok(a.act_on_ticket(
                    x,
                    "SQ-none",
                    TicketAction::ExtendMediation {
                        days: 1,
                        reason: "x".into(),
                    },
                ))
            }),
        ),
        (
            Action::ReferTicket,
            "refer",
            Box::new(|a, x| {
                ok(a.act_on_ticket(
                    x,
                    "SQ-none",
                    TicketAction::Refer {
                        body: "xm-arbitration".into(),
                        appointment_on: date(2025, 7, 1),
                        note: String::new(),
                    },
                ))
            }),
        ),
        (
            Action::ReportReferral,
            "report_referral",
            Box::new(|a, x| {
                ok(a.act_on_ticket(
                    x,
                    "SQ-none",
                    TicketAction::ReportReferral(ReferralReport::Accepted),
                ))
            }),
        ),
        (
            Action::CloseTicket,
            "close",
            Box::new(|a, x| {
                ok(a.act_on_ticket(x, "SQ-none", TicketAction::Reopen { reason: "x".into() }))
            }),
        ),
        (
            Action::EscalateTickets,
            "escalate_tickets",
            Box::new(|a, x| ok(a.escalate_tickets(x))),
        ),
        (
            Action::ConsentToDisclosure,
            "consent",
            Box::new(|a, x| ok(a.act_on_ticket(x, "SQ-none", TicketAction::ConsentToDisclosure))),
        ),
        (
            Action::ReadTicketStatistics,
            "ticket_dashboard",
            Box::new(|a, x| ok(a.ticket_dashboard(x))),
        ),
        // Issue 13: the agency staff's daily work.
        (
            Action::ReadWorkQueue,
            "clerk_queue",
            Box::new(|a, x| ok(a.clerk_queue(x, Some("张")))),
        ),
        (
            Action::ActOnCase,
            "preview_commands",
            Box::new(|a, x| {
                ok(a.preview_commands(
                    x,
                    "GS-NONE",
                    &[CaseCommand::Determination(determination::Command::Accept)],
                ))
            }),
        ),
        (
            Action::ReadCase,
            "case_parties",
            Box::new(|a, x| ok(a.case_parties(x, "GS-NONE"))),
        ),
        (
            Action::ReadCase,
            "award_returns",
            Box::new(|a, x| ok(a.award_returns(x, "GS-NONE"))),
        ),
        (
            Action::ApproveAward,
            "review_queue",
            Box::new(|a, x| ok(a.review_queue(x))),
        ),
        (
            Action::ApproveAward,
            "return_award",
            Box::new(|a, x| ok(a.return_award(x, 999_999, "a reason"))),
        ),
        (
            Action::ManageAccounts,
            "search_audit",
            Box::new(|a, x| ok(a.search_audit(x, Some("award"), None, 10))),
        ),
        (
            Action::ManageAccounts,
            "change_role",
            Box::new(|a, x| ok(a.change_role(x, "nobody", "clerk"))),
        ),
        (
            Action::ReadParameters,
            "parameters_in_force",
            Box::new(|a, x| ok(a.parameters_in_force(x, date(2025, 6, 30), None))),
        ),
        // issue 13
        (
            Action::PayOwnBill,
            "pay_own_bill",
            Box::new(|a, x| ok(a.pay_own_bill(x, 1, gongshang_rules::Money::from_fen(1)))),
        ),
        (
            Action::ReadArticleMap,
            "article_map",
            Box::new(|a, x| ok(a.article_map(x))),
        ),
        // issue 14
        (
            Action::ReadFund,
            "fund_statement",
            Box::new(|a, x| {
                ok(a.fund_statement(
                    x,
                    gongshang_app::fund::StatementPeriod::Year(2025),
                    None,
                    None,
                ))
            }),
        ),
        (
            Action::ReadFund,
            "fund_months",
            Box::new(|a, x| ok(a.fund_months(x, 2025, None, None))),
        ),
        (
            Action::RunReserve,
            "run_reserve",
            Box::new(|a, x| ok(a.run_reserve(x, Month::parse("2025-05").unwrap()))),
        ),
        (
            Action::RunSimulation,
            "simulate",
            Box::new(|a, x| {
                ok(a.simulate(
                    x,
                    &gongshang_app::simulation::SimulationRequest {
                        reform: None,
                        population: gongshang_app::simulation::PopulationSource::Synthetic {
                            people: 100,
                        },
                        seed: 1,
                        start_year: 2026,
                        years: 1,
                        replicates: 0,
                    },
                ))
            }),
        ),
        // issue 16
        (
            Action::RunMonitor,
            "run_monitor",
            Box::new(|a, x| ok(a.run_monitor(x))),
        ),
        (
            Action::ReadAlerts,
            "alerts",
            Box::new(|a, x| ok(a.alerts(x, None, None, None))),
        ),
        (
            Action::ReadAlerts,
            "monitor_rules",
            Box::new(|a, x| ok(a.monitor_rules(x))),
        ),
        (
            Action::ReadAlerts,
            "alert_detail",
            Box::new(|a, x| ok(a.alert_detail(x, 999))),
        ),
        (
            Action::HandleAlert,
            "handle_alert",
            Box::new(|a, x| {
                ok(a.handle_alert(
                    x,
                    999,
                    None,
                    gongshang_domain::monitor::AlertCommand::Investigate { note: "n".into() },
                ))
            }),
        ),
        // issue 17
        (
            Action::RecordRecusal,
            "record_recusal",
            Box::new(|a, x| ok(a.record_recusal(x, "GS-NONE", None, "a relative"))),
        ),
        (
            Action::ReadRecusals,
            "recusals",
            Box::new(|a, x| ok(a.recusals(x, "GS-NONE"))),
        ),
        // issues 16, 12, 17: Decree 765 Arts 9, 26
        (
            Action::ImportLifeEvents,
            "import_life_events",
            Box::new(|a, x| ok(a.import_life_events(x, &[]))),
        ),
        (
            Action::RecordBeneficiary,
            "record_beneficiary",
            Box::new(|a, x| ok(a.record_beneficiary(x, 0, "", None))),
        ),
        (
            Action::RunMatching,
            "run_matching",
            Box::new(|a, x| {
                ok(a.run_matching(
                    x,
                    gongshang_app::matching::MatchMode::Full,
                    gongshang_app::matching::MatchRecovery::Refund,
                ))
            }),
        ),
        (
            Action::ReadMatching,
            "match_runs",
            Box::new(|a, x| ok(a.match_runs(x))),
        ),
        (
            Action::RecordVerification,
            "record_verification",
            Box::new(|a, x| ok(a.record_verification(x, 0, "self", None, ""))),
        ),
        // 广东省工伤保险条例 Art 37
        (
            Action::ManageBenefits,
            "suspend_unverified",
            Box::new(|a, x| ok(a.suspend_unverified(x))),
        ),
        // issue 12: Regulations Art 41
        (
            Action::RecordMissingWorker,
            "record_missing",
            Box::new(|a, x| {
                ok(a.record_missing(
                    x,
                    "GS-NONE",
                    &gongshang_app::cases::MissingRequest::Reappear { on: None },
                ))
            }),
        ),
        // issue 17: Regulations Art 38
        (
            Action::RecordRecurrence,
            "record_recurrence",
            Box::new(|a, x| {
                ok(a.record_recurrence(
                    x,
                    "GS-NONE",
                    &gongshang_app::cases::RecurrenceRequest {
                        recurred_on: jiff::civil::date(2026, 4, 1),
                        confirmed_by:
                            gongshang_domain::recurrence::ConfirmingBody::AgreementInstitution,
                        confirming_body_name: "h".into(),
                        confirmed_on: jiff::civil::date(2026, 4, 8),
                        document: "d".into(),
                        medical_note: String::new(),
                    },
                ))
            }),
        ),
        (
            Action::Declare,
            "declare_platform_month",
            Box::new(|a, x| {
                ok(a.declare_platform_month(
                    x,
                    &PlatformId::parse("meituan").unwrap(),
                    Month::parse("2025-07").unwrap(),
                    1,
                    gongshang_rules::Money::from_fen(1),
                ))
            }),
        ),
        // issue 12
        (
            Action::RecordOverpayment,
            "record_overpayment",
            Box::new(move |a, x| {
                ok(a.record_overpayment(
                    x,
                    &gongshang_app::OverpaymentInput {
                        benefit_id: 999_999,
                        amount: gongshang_rules::Money::from_fen(100),
                        reason: "test".into(),
                        plan: gongshang_app::RecoveryPlan::Refund,
                        first_month: month,
                    },
                ))
            }),
        ),
        (
            Action::RecoverOverpayment,
            "recover_overpayment",
            Box::new(|a, x| ok(a.recover_overpayment(x, 999_999, None))),
        ),
        (
            Action::ReadOverpayments,
            "overpayments_of_case",
            Box::new(|a, x| ok(a.overpayments_of_case(x, "GS2025-999999"))),
        ),
        (
            Action::ReadPayoutRatios,
            "payout_ratios",
            Box::new(|a, x| {
                ok(a.payout_ratios(
                    x,
                    Month::parse("2025-01").unwrap(),
                    Month::parse("2025-12").unwrap(),
                    None,
                ))
            }),
        ),
        // issue 17: Order No. 55 Art 31
        (
            Action::RecordAppraisalRevision,
            "record_appraisal_revision",
            Box::new(|a, x| {
                ok(a.record_appraisal_revision(
                    x,
                    "GS2025-999999",
                    &serde_json::from_value(serde_json::json!({
                        "revision": {"kind": "revoke"},
                        "reason": "test",
                        "decision_no": "1",
                        "decided_on": "2025-07-01",
                    }))
                    .unwrap(),
                ))
            }),
        ),
        (
            Action::ApplyAppraisalRevision,
            "apply_appraisal_revision",
            Box::new(|a, x| ok(a.apply_appraisal_revision(x, 999_999))),
        ),
        (
            Action::RecordAppraisalFee,
            "record_appraisal_fee",
            Box::new(|a, x| {
                ok(a.record_appraisal_fee(
                    x,
                    "GS-NONE",
                    &gongshang_app::cases::AppraisalFeeInput::default(),
                ))
            }),
        ),
        (
            Action::ReadAppraisalFees,
            "appraisal_fees",
            Box::new(|a, x| ok(a.appraisal_fees(x, "GS-NONE"))),
        ),
        // Regulations Arts 43-44, Jiangsu Arts 35-36, Order No. 56 Art 6
        (
            Action::RecordSuccession,
            "record_succession",
            Box::new(move |a, x| {
                ok(a.record_succession(
                    x,
                    &u,
                    &serde_json::from_value(serde_json::json!({
                        "successor": credit(9, "440106").as_str(), "kind": "merger",
                        "effective_on": "2025-06-01", "document": "d",
                    }))
                    .unwrap(),
                ))
            }),
        ),
        (
            Action::RecordPosting,
            "suspend_enrollment",
            Box::new(|a, x| {
                ok(a.suspend_enrollment(
                    x,
                    999_999,
                    &serde_json::from_value(serde_json::json!({
                        "from": "2025-06-01", "country": "SG", "document": "d",
                    }))
                    .unwrap(),
                ))
            }),
        ),
        (
            Action::RecordPosting,
            "resume_enrollment",
            Box::new(|a, x| ok(a.resume_enrollment(x, 999_999, date(2025, 6, 1)))),
        ),
        (
            Action::RecordSecondment,
            "record_secondment",
            Box::new(move |a, x| {
                ok(a.record_secondment(
                    x,
                    999_999,
                    &serde_json::from_value(serde_json::json!({
                        "to_unit": credit(9, "440106").as_str(), "start": "2025-06-01",
                    }))
                    .unwrap(),
                ))
            }),
        ),
        (
            Action::RecordSecondment,
            "end_secondment",
            Box::new(|a, x| ok(a.end_secondment(x, 999_999, date(2025, 6, 1)))),
        ),
        (
            Action::RecordOverAgeAgreement,
            "record_over_age_agreement",
            Box::new(|a, x| {
                ok(a.record_over_age_agreement(
                    x,
                    999_999,
                    &serde_json::from_value(serde_json::json!({
                        "signed_on": "2025-06-01", "term_start": "2025-06-01", "term_end": null,
                        "work_content": "w", "work_place": "p", "working_hours": "h",
                        "pay": "1", "social_insurance": "s", "labour_protection": "l",
                    }))
                    .unwrap(),
                ))
            }),
        ),
        (
            Action::ReadRegistry,
            "successions_of_unit",
            Box::new(move |a, x| ok(a.successions_of_unit(x, &u))),
        ),
        (
            Action::ReadCase,
            "case_liability",
            Box::new(|a, x| ok(a.case_liability(x, "GS-NONE", None))),
        ),
        (
            Action::RegisterInstitution,
            "register_institution",
            Box::new(|a, x| ok(a.register_institution(x, &medical_institution()))),
        ),
        (
            Action::RegisterInstitution,
            "update_institution",
            Box::new(|a, x| ok(a.update_institution(x, &medical_institution()))),
        ),
        (
            Action::ReadInstitutions,
            "institutions",
            Box::new(|a, x| ok(a.institutions(x))),
        ),
        (
            Action::FileMedicalBill,
            "file_medical_bill",
            Box::new(|a, x| ok(a.file_medical_bill(x, "GS-NONE", &medical_bill()))),
        ),
        (
            Action::ClaimReimbursement,
            "claim_reimbursement",
            Box::new(|a, x| ok(a.claim_reimbursement(x, "GS-NONE", &medical_bill()))),
        ),
        (
            Action::SettleMedicalBill,
            "settle_medical_bill",
            Box::new(|a, x| {
                ok(a.settle_medical_bill(
                    x,
                    "GS-NONE",
                    1,
                    &gongshang_app::cases::SettleRequest::default(),
                ))
            }),
        ),
        (
            Action::ReadMedicalBills,
            "medical_bills",
            Box::new(|a, x| ok(a.medical_bills(x, "GS-NONE"))),
        ),
        (
            Action::RecordBackPayment,
            "record_back_payment",
            Box::new(|a, x| {
                ok(a.record_back_payment(
                    x,
                    &gongshang_app::cases::BackPaymentRequest {
                        unit: super::credit(99, "440106"),
                        scheme_id: "national.employees".parse().unwrap(),
                        period_from: jiff::civil::date(2025, 1, 1),
                        period_until: jiff::civil::date(2025, 5, 31),
                        settled_on: jiff::civil::date(2025, 6, 1),
                        premiums: gongshang_rules::Money::from_fen(100),
                        late_fees: gongshang_rules::Money::ZERO,
                        document: "x".into(),
                    },
                ))
            }),
        ),
        (
            Action::ApplyAdvance,
            "apply_for_advance",
            Box::new(|a, x| {
                ok(a.apply_for_advance(
                    x,
                    "GS-NONE",
                    &gongshang_app::cases::AdvanceApplication {
                        ground: gongshang_rules::advance::Ground::EmployerUnpaid,
                        applicant: gongshang_app::cases::AdvanceApplicant::Worker,
                        applicant_name: "x".into(),
                        circumstance: "x".into(),
                        third_party: None,
                        applied_on: None,
                        documents: "x".into(),
                    },
                ))
            }),
        ),
        (
            Action::EndMonthlyAdvance,
            "end_monthly_advance",
            Box::new(|a, x| {
                ok(a.end_monthly_advance(
                    x,
                    "GS-NONE",
                    1,
                    &gongshang_app::cases::MonthlyAdvanceEndRequest {
                        last_month: gongshang_domain::month::Month::parse("2026-01").unwrap(),
                        reason: gongshang_rules::advance::MonthlyEnd::UnitResumed,
                        note: "x".into(),
                    },
                ))
            }),
        ),
        (
            Action::DecideAdvance,
            "notify_unit_of_advance",
            Box::new(|a, x| ok(a.notify_unit_of_advance(x, "GS-NONE", 1, None))),
        ),
        (
            Action::DecideAdvance,
            "decide_advance",
            Box::new(|a, x| {
                ok(a.decide_advance(
                    x,
                    "GS-NONE",
                    1,
                    &gongshang_app::cases::AdvanceDecision {
                        grant: true,
                        reason: None,
                        decided_on: None,
                    },
                ))
            }),
        ),
        (
            Action::PayAdvance,
            "pay_advance",
            Box::new(|a, x| ok(a.pay_advance(x, "GS-NONE", 1, None))),
        ),
        (
            Action::RecordAdvanceRecovery,
            "record_advance_recovery",
            Box::new(|a, x| {
                ok(a.record_advance_recovery(
                    x,
                    "GS-NONE",
                    1,
                    &gongshang_app::cases::AdvanceRecoveryRequest {
                        from: None,
                        received_on: date(2025, 6, 1),
                        amount: gongshang_rules::Money::from_fen(100),
                        document: "x".into(),
                    },
                ))
            }),
        ),
        (
            Action::ReadCase,
            "advances",
            Box::new(|a, x| ok(a.advances(x, "GS-NONE"))),
        ),
        (
            Action::ReadRegistry,
            "unit_advance_debts",
            Box::new(move |a, x| ok(a.unit_advance_debts(x, &credit(9, "440106")))),
        ),
        (
            Action::RecordStopReport,
            "report_stop_event",
            Box::new(|a, x| {
                ok(a.report_stop_event(
                    x,
                    "GS-NONE",
                    &gongshang_app::handling::StopReportInput {
                        benefit_id: 1,
                        event: gongshang_domain::life_events::MatchRule::Death,
                        event_on: date(2025, 6, 1),
                        reported_on: None,
                        reported_by: gongshang_app::handling::stop_reports::Reporter::Unit,
                        pension_monthly: None,
                        recovery: gongshang_app::RecoveryPlan::Refund,
                        note: None,
                    },
                ))
            }),
        ),
        (
            Action::ReadStopReports,
            "stop_reports",
            Box::new(|a, x| ok(a.stop_reports(x, "GS-NONE"))),
        ),
        (
            Action::ReadStopReports,
            "late_stop_reports",
            Box::new(|a, x| ok(a.late_stop_reports(x))),
        ),
        (
            Action::ReceiveRegistration,
            "receive_registration",
            Box::new(move |a, x| {
                ok(a.receive_registration(
                    x,
                    &gongshang_app::handling::RegistrationInput {
                        unit: credit(9, "440106"),
                        person: resident("440106", date(1990, 1, 1), 9),
                        kind: gongshang_domain::handling::RegistrationKind::Start,
                        employment_on: date(2025, 6, 1),
                        received_on: None,
                        enrollment_id: None,
                    },
                ))
            }),
        ),
        (
            Action::CompleteRegistration,
            "complete_registration",
            Box::new(|a, x| ok(a.complete_registration(x, 999_999, Some(1)))),
        ),
        (
            Action::CompleteRegistration,
            "open_registrations",
            Box::new(|a, x| ok(a.open_registrations(x))),
        ),
        (
            Action::ReadRegistrations,
            "registrations_of_unit",
            Box::new(move |a, x| ok(a.registrations_of_unit(x, &credit(9, "440106")))),
        ),
        (
            Action::RecordCredit,
            "record_credit",
            Box::new(
                |a, x| ok(a.record_credit(x, &gongshang_app::handling::CreditForm::default())),
            ),
        ),
        (
            Action::RecordCredit,
            "change_credit",
            Box::new(|a, x| {
                ok(a.change_credit(x, 1, &gongshang_app::handling::CreditChangeForm::default()))
            }),
        ),
        (
            Action::ReadCredit,
            "credit_records",
            Box::new(|a, x| {
                ok(a.credit_records(x, gongshang_domain::handling::CreditSubjectKind::Unit, "x"))
            }),
        ),
        (
            Action::ReadCredit,
            "institution_credit_records",
            Box::new(|a, x| ok(a.institution_credit_records(x))),
        ),
        (
            Action::CancelUnit,
            "cancel_unit",
            Box::new(move |a, x| {
                ok(a.cancel_unit(
                    x,
                    &credit(9, "440106"),
                    &gongshang_app::handling::UnitCancellationInput {
                        last_day: jiff::civil::date(2025, 1, 31),
                        received_on: None,
                        reason: "解散".into(),
                        document: None,
                    },
                ))
            }),
        ),
        (
            Action::ReadMedicalInsuranceBases,
            "medical_insurance_bases",
            Box::new(|a, x| {
                ok(a.medical_insurance_bases(
                    x,
                    gongshang_domain::month::Month::parse("2026-01").unwrap(),
                    None,
                ))
            }),
        ),
        // issue 14: saved scenarios and simulation jobs
        (
            Action::SaveScenario,
            "save_scenario",
            Box::new(|a, x| {
                ok(a.save_scenario(
                    x,
                    &gongshang_app::simulation_jobs::ScenarioInput {
                        name: format!("perm-{}", x.login),
                        description: String::new(),
                        reform: "name = \"nothing\"\n".into(),
                    },
                ))
            }),
        ),
        (
            Action::SaveScenario,
            "archive_scenario",
            Box::new(|a, x| ok(a.archive_scenario(x, "no such scenario"))),
        ),
        (
            Action::ReadScenarios,
            "scenarios",
            Box::new(|a, x| ok(a.scenarios(x, true))),
        ),
        (
            Action::ReadScenarios,
            "scenario_versions",
            Box::new(|a, x| ok(a.scenario_versions(x, "no such scenario"))),
        ),
        (
            Action::RunSimulationJob,
            "start_simulation_job",
            Box::new(|a, x| {
                ok(a.start_simulation_job(
                    x,
                    &gongshang_app::simulation_jobs::JobRequest {
                        reform: gongshang_app::simulation_jobs::JobReform::Inline(None),
                        population: gongshang_app::simulation::PopulationSource::Synthetic {
                            people: 10,
                        },
                        seed: 1,
                        start_year: 2026,
                        years: 1,
                        replicates: 0,
                    },
                ))
            }),
        ),
        (
            Action::RunSimulationJob,
            "run_next_simulation_job",
            Box::new(|a, x| ok(a.run_next_simulation_job(x))),
        ),
        (
            Action::RunSimulationJob,
            "interrupt_simulation_jobs",
            Box::new(|a, x| ok(a.interrupt_simulation_jobs(x))),
        ),
        (
            Action::ReadSimulationJobs,
            "simulation_jobs",
            Box::new(|a, x| ok(a.simulation_jobs(x, 10))),
        ),
        (
            Action::ReadSimulationJobs,
            "simulation_job",
            Box::new(|a, x| ok(a.simulation_job(x, 999))),
        ),
        (
            Action::RecordUnitDuePayment,
            "record_unit_due_payment",
            Box::new(|a, x| {
                ok(a.record_unit_due_payment(
                    x,
                    "GS-NONE",
                    &gongshang_app::cases::UnitDuePaymentRequest {
                        item: gongshang_rules::Item::OneTimeDisabilitySubsidy,
                        beneficiary: None,
                        paid_on: jiff::civil::date(2025, 6, 1),
                        amount: gongshang_rules::Money::from_fen(100),
                        document: "x".into(),
                        note: String::new(),
                    },
                ))
            }),
        ),
        (
            Action::RecordUnitDuePayment,
            "correct_unit_due_payment",
            Box::new(|a, x| ok(a.correct_unit_due_payment(x, "GS-NONE", 1, "x"))),
        ),
    ];
    let mut covered: Vec<Action> = cases.iter().map(|(a, _, _)| *a).collect();
    covered.sort();
    covered.dedup();
    assert_eq!(
        covered.len(),
        Action::ALL.len(),
        "a use case for every action"
    );
    let mut wrong = Vec::new();
    for (action, name, call) in &cases {
        for actor in &actors {
            let result = call(&app, actor);
            let refused = refused_for(&result, *action);
            if refused == actor.may(*action) {
                wrong.push(format!(
                    "{name} as {:?}: expected {}, got {result:?}",
                    actor.role,
                    if actor.may(*action) {
                        "not forbidden"
                    } else {
                        "forbidden"
                    }
                ));
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

fn medical_institution() -> gongshang_app::cases::InstitutionRequest {
    gongshang_app::cases::InstitutionRequest {
        code: gongshang_domain::medical::InstitutionCode::parse("PERM-1").unwrap(),
        name: "协议医院".into(),
        kind: gongshang_domain::medical::ServiceKind::Medical,
        region: gongshang_domain::ids::RegionCode::parse("440100").unwrap(),
        agreement_from: date(2025, 1, 1),
        agreement_until: None,
        suspended: None,
    }
}

fn medical_bill() -> gongshang_app::cases::MedicalBillRequest {
    gongshang_app::cases::MedicalBillRequest {
        kind: gongshang_domain::medical::ServiceKind::Medical,
        institution: None,
        provider_name: Some("医院".into()),
        service_from: date(2025, 6, 1),
        service_until: date(2025, 6, 2),
        emergency: true,
        confirmation: None,
        received_on: None,
        lines: vec![gongshang_domain::medical::BillLine {
            description: "急诊".into(),
            within_catalogue: gongshang_rules::Money::from_fen(100),
            outside_catalogue: gongshang_rules::Money::ZERO,
        }],
    }
}
