//! Who is acting, and the one table of who may do what.
//!
//! Every use case of the application takes an [`Actor`] first and asks
//! [`Actor::authorize`] with its [`Action`]; the records it reads or changes
//! are then checked against the actor's [`Scope`] (a unit sees its own
//! people, bills and cases; a platform also its orders; a worker their own
//! records; an analyst aggregates only; agency staff everything). The HTTP
//! API, the web UI and the command line only translate to and from these
//! use cases: none of them decides who may do what.
//!
//! A record outside the actor's scope is answered as not found, so that its
//! existence does not leak; an action the role may not do at all is
//! `forbidden`.

use gongshang_domain::ids::{CreditCode, PlatformId, ResidentId};
use serde::Serialize;

use crate::accounts::Role;
use crate::error::AppError;

/// The records an actor sees.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Scope {
    /// Every record (agency staff).
    All,
    /// One unit's people, bills and cases (and its platform's orders).
    Unit {
        unit: CreditCode,
        platform: Option<PlatformId>,
    },
    /// One person's own records.
    Person(ResidentId),
    /// No personal records at all (analysts).
    StatisticsOnly,
    /// A partner body of the service centre: the tickets referred to it.
    Partner(String),
}

/// Someone doing something: who (for the audit log), their role, and the
/// records they reach.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Actor {
    /// The account's login (`cli` for the local administrator of the
    /// command line, `system` for the application's own runs).
    pub login: String,
    pub role: Role,
    pub scope: Scope,
}

/// Every use case, for the permission table. Reading a record in one's
/// scope and changing it are separate actions.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    // ---- registry and enrolment
    /// Units, people, engagements and enrolments in the actor's scope.
    ReadRegistry,
    /// The listing of every unit.
    ListUnits,
    RegisterUnit,
    RegisterPerson,
    AddEngagement,
    Enrol,
    EndEnrolment,
    // ---- contributions
    ReadBills,
    Declare,
    /// Days of cover bought under a scheme billed by the day (the worker
    /// buys for themself).
    BuyDays,
    RecordPayment,
    /// Every unit's arrears.
    ReadArrears,
    // ---- platform orders
    ImportOrders,
    /// A platform's month against what it declared.
    Reconcile,
    /// Bill a platform's month for its stored orders.
    BillOrders,
    // ---- cover
    ReadCoverage,
    // ---- cases
    /// A case in the actor's scope, its appraisals, awards and notices.
    ReadCase,
    /// Open a case (an application, a confirmation, a claim).
    FileCase,
    /// The work queue of every open case.
    ReadWorkQueue,
    /// Determination, confirmation, claim and appraisal commands.
    ActOnCase,
    ComputeAward,
    /// The checker's decision on an award made by someone else.
    ApproveAward,
    PayOneTime,
    // ---- payroll
    RunPayroll,
    /// Payroll totals (no personal data).
    ReadPayroll,
    /// Indexation, suspension, resumption, end and the retirement offset.
    ManageBenefits,
    // ---- administration
    ManageAccounts,
    /// Load a year's public-holiday arrangement.
    ManageCalendar,
    // ---- statistics
    /// Aggregates without personal data (dashboards, reconciliations).
    ReadStatistics,
    // ---- the rights-protection service centre (tickets, 诉求)
    /// File a ticket (at the window, by phone, from one's own page).
    FileTicket,
    /// Tickets in the actor's scope, and the queue.
    ReadTickets,
    /// Accept a ticket at the front, in a category.
    TriageTicket,
    /// Record a mediation session, extend mediation, settle.
    MediateTicket,
    /// Refer a ticket to a named body.
    ReferTicket,
    /// Report a referral's status (the body, or staff for it).
    ReportReferral,
    /// Close a ticket with its resolution and rating, or reopen it.
    CloseTicket,
    /// Run the escalation of tickets whose deadline is near or passed.
    EscalateTickets,
    /// The worker's agreement that the other party sees who complained.
    ConsentToDisclosure,
    /// The service centre's dashboard (no personal data).
    ReadTicketStatistics,
    // ---- issue 13: agency staff's daily work
    /// The parameters in force, with their dates, sources and notes.
    ReadParameters,
    // ---- the fund (issue 14)
    /// The fund's income-expenditure statements and reserve (aggregates).
    ReadFund,
    /// Run the month's transfer into the reserve.
    RunReserve,
    /// Project the fund under a reform (no personal data).
    RunSimulation,
    // ---- issue 13: people outside the agency
    /// A unit pays its own bill online (recorded as received through the
    /// online channel).
    PayOwnBill,
    // ---- issue 17: the map of articles
    /// The map of each instrument's articles to what carries them out.
    ReadArticleMap,
    // issue 16
    /// Run the monitoring rules over everything stored.
    RunMonitor,
    /// The monitoring rules, the alerts and their flags.
    ReadAlerts,
    /// Investigate, refer or close an alert.
    HandleAlert,
    // issue 17: recusal (Regulations Art 20(4))
    /// Record that an official withdraws from a case (their own, or any
    /// official's for an administrator).
    RecordRecusal,
    /// The officials who withdrew from a case.
    ReadRecusals,
    // issue 12: Decree 765 Art 46
    /// Record an overpaid benefit and how it is recovered.
    RecordOverpayment,
    /// Record an instalment of an overpayment as recovered.
    RecoverOverpayment,
    /// A case's overpayments and what came back.
    ReadOverpayments,
    /// Platforms' payout ratios (支缴率) by month: premiums against the
    /// benefits paid on their cases (a platform its own only).
    ReadPayoutRatios,
    // issue 12: Regulations Art 41
    /// Record that the worker went missing after the accident, the advance
    /// applied for, the court's declaration of death, or the reappearance.
    RecordMissingWorker,
    // issues 16, 12, 17: shared-data matching (Decree 765 Arts 9, 26)
    /// Import life events other bodies report (deaths, marriages, pensions).
    ImportLifeEvents,
    /// Record a survivor's resident id (and an exception to age 18) on a benefit.
    RecordBeneficiary,
    /// Run the matching: end benefits and record their overpayments.
    RunMatching,
    /// The matching runs and their hits.
    ReadMatching,
    /// Record an eligibility verification (资格认证).
    RecordVerification,
    // issue 17: Regulations Art 38
    /// Record a recurrence of a recognised injury (旧伤复发) on its case,
    /// with who confirmed it needs treatment and when.
    RecordRecurrence,
    // issue 17: Order No. 55 Art 31
    /// Record the committee's decision revoking or correcting an appraisal
    /// conclusion.
    RecordAppraisalRevision,
    /// Apply a recorded revision (a second person): awards, benefits and
    /// overpayments follow it.
    ApplyAppraisalRevision,
    // issue 14: Regulations Art 12
    /// Record an appraisal's fee on a case and who paid it.
    RecordAppraisalFee,
    /// A case's appraisal fees.
    ReadAppraisalFees,
    // Regulations Arts 43-44, Jiangsu Arts 35-36, Order No. 56 Art 6
    /// Record a unit's division, merger, transfer or contracting out (the
    /// agency's change of registration).
    RecordSuccession,
    /// Record a worker's posting abroad under the local insurance (the
    /// enrolment suspended) and the return.
    RecordPosting,
    /// Record a secondment of a unit's own worker to another unit.
    RecordSecondment,
    /// Keep the written agreement with an over-age worker.
    RecordOverAgeAgreement,
    // Regulations Arts 30-32, 47-48; Decree 765 Arts 22, 43
    /// Register an agreement institution, renew its agreement, suspend or
    /// resume payments to it.
    RegisterInstitution,
    /// The published list of agreement institutions.
    ReadInstitutions,
    /// File a provider's medical, rehabilitation or device bill on a case.
    FileMedicalBill,
    /// File a claim for costs the worker advanced (manual reimbursement).
    ClaimReimbursement,
    /// Settle a case's bill: what the fund pays, what it refuses.
    SettleMedicalBill,
    /// A case's medical bills.
    ReadMedicalBills,
    // Regulations Art 62(3)
    /// Record that a unit which had not insured its workers enrolled and
    /// settled the back-payment of premiums and late fees.
    RecordBackPayment,
    // Guangdong Regulations Art 56
    /// Record that the unit paid the worker an item an approved award makes
    /// it owe (or correct such a record).
    RecordUnitDuePayment,
    // Decree 765 Art 25
    /// Record a verified report of a stop-benefit event (a death, a
    /// remarriage, ...): the benefit ends, the months paid after become an
    /// overpayment, and the 20 working days are checked.
    RecordStopReport,
    /// The stop-benefit reports of a case, and the late ones.
    ReadStopReports,
    // Decree 765 Arts 6, 10
    /// Record a unit's application to register a person, or to end it.
    ReceiveRegistration,
    /// Complete an application with the enrolment made or ended; the open
    /// applications on the queue.
    CompleteRegistration,
    /// A unit's applications and how long each took.
    ReadRegistrations,
    // Decree 765 Art 45
    /// Record a dishonest act from its source, correct or withdraw it.
    RecordCredit,
    /// The records of dishonest acts (agency staff only).
    ReadCredit,
    // Regulations Art 35 para 2
    /// The month's medical insurance bases of grade 1-4 workers (agency
    /// staff, or the unit for its own workers).
    ReadMedicalInsuranceBases,
    // Decree 765 Art 10
    /// Cancel a unit's registration once it owes nothing and nothing runs on.
    CancelUnit,
    // issue 14: saved scenarios and simulation jobs
    /// Save a reform as a named scenario (a new version), or archive one.
    SaveScenario,
    /// The saved scenarios and their versions.
    ReadScenarios,
    /// Start a projection as a background job (and run the queue).
    RunSimulationJob,
    /// The simulation jobs, their progress and results.
    ReadSimulationJobs,
    // Social Insurance Law Arts 41-42; Order No. 15
    /// Apply for the fund's advance payment (the worker or a relative, or a
    /// clerk recording the written application handed in).
    ApplyAdvance,
    /// Send the unit's notice, then grant (the amount by the rule) or
    /// refuse an advance.
    DecideAdvance,
    /// Approve a granted advance and pay it out of the fund (not who
    /// granted it).
    PayAdvance,
    /// Record what a unit or a third party repaid of an advance.
    RecordAdvanceRecovery,
    /// End an advance's monthly items (the unit pays again, or it paid
    /// back under Regulations Art 62(3)).
    EndMonthlyAdvance,
    // issue 12: Social Insurance Law Art 86, Regulations Art 62(1).
    /// Record a unit's (or platform's) payment of the late fees assessed on
    /// a bill it paid late.
    RecordLateFeePayment,
    // 人社厅发〔2022〕16号, 人社部发〔2022〕31号
    /// Record (or revoke) an approved deferral of a unit's premiums (缓缴).
    RecordDeferral,
}

impl Action {
    pub const ALL: [Action; 97] = [
        Action::ReadRegistry,
        Action::ListUnits,
        Action::RegisterUnit,
        Action::RegisterPerson,
        Action::AddEngagement,
        Action::Enrol,
        Action::EndEnrolment,
        Action::ReadBills,
        Action::Declare,
        Action::BuyDays,
        Action::RecordPayment,
        Action::ReadArrears,
        Action::ImportOrders,
        Action::Reconcile,
        Action::BillOrders,
        Action::ReadCoverage,
        Action::ReadCase,
        Action::FileCase,
        Action::ReadWorkQueue,
        Action::ActOnCase,
        Action::ComputeAward,
        Action::ApproveAward,
        Action::PayOneTime,
        Action::RunPayroll,
        Action::ReadPayroll,
        Action::ManageBenefits,
        Action::ManageAccounts,
        Action::ManageCalendar,
        Action::ReadStatistics,
        Action::FileTicket,
        Action::ReadTickets,
        Action::TriageTicket,
        Action::MediateTicket,
        Action::ReferTicket,
        Action::ReportReferral,
        Action::CloseTicket,
        Action::EscalateTickets,
        Action::ConsentToDisclosure,
        Action::ReadTicketStatistics,
        // Issue 13.
        Action::ReadParameters,
        // issue 14
        Action::ReadFund,
        Action::RunReserve,
        Action::RunSimulation,
        // issue 13
        Action::PayOwnBill,
        // issue 17
        Action::ReadArticleMap,
        // issue 16
        Action::RunMonitor,
        Action::ReadAlerts,
        Action::HandleAlert,
        // issue 17
        Action::RecordRecusal,
        Action::ReadRecusals,
        // issue 12
        Action::RecordOverpayment,
        Action::RecoverOverpayment,
        Action::ReadOverpayments,
        Action::ReadPayoutRatios,
        // issue 12: Art 41
        Action::RecordMissingWorker,
        // issues 16, 12, 17: Decree 765 Arts 9, 26
        Action::ImportLifeEvents,
        Action::RecordBeneficiary,
        Action::RunMatching,
        Action::ReadMatching,
        Action::RecordVerification,
        // issue 17: Regulations Art 38
        Action::RecordRecurrence,
        // issue 17: Order No. 55 Art 31
        Action::RecordAppraisalRevision,
        Action::ApplyAppraisalRevision,
        // issue 14
        Action::RecordAppraisalFee,
        Action::ReadAppraisalFees,
        // Regulations Arts 43-44, Jiangsu Arts 35-36, Order No. 56 Art 6
        Action::RecordSuccession,
        Action::RecordPosting,
        Action::RecordSecondment,
        Action::RecordOverAgeAgreement,
        // Regulations Arts 30-32, 47-48; Decree 765 Arts 22, 43
        Action::RegisterInstitution,
        Action::ReadInstitutions,
        Action::FileMedicalBill,
        Action::ClaimReimbursement,
        Action::SettleMedicalBill,
        Action::ReadMedicalBills,
        // Regulations Art 62(3)
        Action::RecordBackPayment,
        // Decree 765 Art 25
        Action::RecordStopReport,
        Action::ReadStopReports,
        // Decree 765 Arts 6, 10
        Action::ReceiveRegistration,
        Action::CompleteRegistration,
        Action::ReadRegistrations,
        // Decree 765 Art 45
        Action::RecordCredit,
        Action::ReadCredit,
        // Regulations Art 35 para 2
        Action::ReadMedicalInsuranceBases,
        // Decree 765 Art 10
        Action::CancelUnit,
        // issue 14: saved scenarios and simulation jobs
        Action::SaveScenario,
        Action::ReadScenarios,
        Action::RunSimulationJob,
        Action::ReadSimulationJobs,
        // Social Insurance Law Arts 41-42; Order No. 15
        Action::ApplyAdvance,
        Action::DecideAdvance,
        Action::PayAdvance,
        Action::RecordAdvanceRecovery,
        Action::EndMonthlyAdvance,
        Action::RecordLateFeePayment,
        Action::RecordDeferral,
        // Guangdong Regulations Art 56
        Action::RecordUnitDuePayment,
    ];

    /// The words a refusal uses: "your role may not {what}".
    pub const fn what(self) -> &'static str {
        match self {
            Action::ReadRegistry => "read the registry",
            Action::ListUnits => "list every unit",
            Action::RegisterUnit => "register a unit",
            Action::RegisterPerson => "register a person",
            Action::AddEngagement => "record an engagement",
            Action::Enrol => "enrol a person",
            Action::EndEnrolment => "end an enrolment",
            Action::ReadBills => "read bills",
            Action::Declare => "declare a month",
            Action::BuyDays => "buy days of cover",
            Action::RecordPayment => "record a payment",
            Action::ReadArrears => "read every unit's arrears",
            Action::ImportOrders => "import orders",
            Action::Reconcile => "reconcile a platform's month",
            Action::BillOrders => "bill a platform's orders",
            Action::ReadCoverage => "look up cover",
            Action::ReadCase => "read cases",
            Action::FileCase => "file a case",
            Action::ReadWorkQueue => "read the work queue",
            Action::ActOnCase => "act on a case",
            Action::ComputeAward => "compute an award",
            Action::ApproveAward => "approve an award",
            Action::PayOneTime => "pay one-time items",
            Action::RunPayroll => "run the payroll",
            Action::ReadPayroll => "read the payroll",
            Action::ManageBenefits => "change periodic benefits",
            Action::ManageAccounts => "manage accounts",
            Action::ManageCalendar => "load a holiday calendar",
            Action::ReadStatistics => "read statistics",
            Action::FileTicket => "file a ticket",
            Action::ReadTickets => "read tickets",
            Action::TriageTicket => "accept a ticket",
            Action::MediateTicket => "mediate a ticket",
            Action::ReferTicket => "refer a ticket",
            Action::ReportReferral => "report a referral's status",
            Action::CloseTicket => "close or reopen a ticket",
            Action::EscalateTickets => "escalate overdue tickets",
            Action::ConsentToDisclosure => "agree to show the complainant",
            Action::ReadTicketStatistics => "read the service centre's statistics",
            Action::ReadParameters => "read the parameters in force",
            // issue 14
            Action::ReadFund => "read the fund's accounts",
            Action::RunReserve => "run the reserve transfer",
            Action::RunSimulation => "run a reform simulation",
            Action::PayOwnBill => "pay a bill of its own online",
            Action::ReadArticleMap => "read the map of articles",
            // issue 16
            Action::RunMonitor => "run the monitoring rules",
            Action::ReadAlerts => "read monitoring alerts",
            Action::HandleAlert => "handle a monitoring alert",
            // issue 17
            Action::RecordRecusal => "record a withdrawal from a case",
            Action::ReadRecusals => "read the withdrawals from a case",
            // issue 12
            Action::RecordOverpayment => "record an overpaid benefit",
            Action::RecordAppraisalRevision => {
                "record an appraisal conclusion revoked or corrected"
            }
            Action::ApplyAppraisalRevision => "apply an appraisal conclusion revoked or corrected",
            // issue 14
            Action::RecordAppraisalFee => "record an appraisal fee",
            Action::ReadAppraisalFees => "read appraisal fees",
            Action::RecordSuccession => "record a unit's succession",
            Action::RecordPosting => "record a posting abroad",
            Action::RecordSecondment => "record a secondment",
            Action::RecordOverAgeAgreement => "record an over-age worker's agreement",
            Action::RecoverOverpayment => "record an overpayment recovered",
            Action::ReadOverpayments => "read overpayments",
            Action::ReadPayoutRatios => "read platforms' payout ratios",
            Action::RecordMissingWorker => "record a missing worker's events",
            Action::ImportLifeEvents => "import life events from shared data",
            Action::RecordBeneficiary => "record a beneficiary's resident id",
            Action::RunMatching => "run the matching of shared data",
            Action::ReadMatching => "read the matching's runs and hits",
            Action::RecordVerification => "record an eligibility verification",
            Action::RecordRecurrence => "record a recurrence of an injury",
            Action::RegisterInstitution => "register or change an agreement institution",
            Action::ReadInstitutions => "read the agreement institutions",
            Action::FileMedicalBill => "file a provider's medical bill",
            Action::ClaimReimbursement => "claim a reimbursement of medical costs",
            Action::SettleMedicalBill => "settle a medical bill",
            Action::ReadMedicalBills => "read a case's medical bills",
            Action::RecordBackPayment => "record a unit's back-payment of premiums",
            Action::RecordUnitDuePayment => "record what a unit paid a worker of its dues",
            Action::RecordStopReport => "record a stop-benefit report",
            Action::ReadStopReports => "read stop-benefit reports",
            Action::ReceiveRegistration => "record a registration application",
            Action::CompleteRegistration => "complete a registration application",
            Action::ReadRegistrations => "read registration applications",
            Action::RecordCredit => "record a dishonest act",
            Action::ReadCredit => "read the records of dishonest acts",
            Action::ReadMedicalInsuranceBases => {
                "read the medical insurance bases of disability allowances"
            }
            Action::CancelUnit => "cancel a unit's registration",
            Action::SaveScenario => "save or archive a simulation scenario",
            Action::ReadScenarios => "read the saved simulation scenarios",
            Action::RunSimulationJob => "start a simulation job",
            Action::ReadSimulationJobs => "read the simulation jobs",
            Action::ApplyAdvance => "apply for the fund's advance payment",
            Action::DecideAdvance => "decide an advance payment",
            Action::PayAdvance => "approve and pay an advance payment",
            Action::RecordAdvanceRecovery => "record a repayment of an advance",
            Action::EndMonthlyAdvance => "end an advance's monthly payments",
            Action::RecordLateFeePayment => "record a payment of late fees",
            Action::RecordDeferral => "record or revoke a deferral of premiums",
        }
    }
}

impl Role {
    /// Whether the role may do `action` at all (the scope of the records is
    /// checked apart, by [`Actor`]'s scope). THE table of who does what.
    pub const fn may(self, action: Action) -> bool {
        use Action::*;
        use Role::*;
        match action {
            // Registry and enrolment: the agency's clerks, and a unit for
            // its own people; everybody in their scope reads.
            ReadRegistry => matches!(self, Clerk | Reviewer | Administrator | Unit | Worker),
            ListUnits => self.is_agency(),
            RegisterUnit => matches!(self, Clerk | Administrator),
            RegisterPerson | AddEngagement | Enrol | EndEnrolment => {
                matches!(self, Clerk | Administrator | Unit)
            }
            // Bills: the unit declares its own months, a worker buys their
            // own days; money is recorded by the agency that receives it.
            ReadBills => matches!(self, Clerk | Reviewer | Administrator | Unit | Worker),
            Declare => matches!(self, Clerk | Administrator | Unit),
            BuyDays => matches!(self, Clerk | Administrator | Worker),
            RecordPayment => matches!(self, Clerk | Administrator),
            ReadArrears => self.is_agency(),
            // A platform imports and reconciles its own orders; the agency
            // bills them; staff and analysts read any platform's month.
            ImportOrders => matches!(self, Clerk | Administrator | Unit),
            Reconcile => matches!(self, Clerk | Reviewer | Administrator | Analyst | Unit),
            BillOrders => matches!(self, Clerk | Administrator),
            ReadCoverage => matches!(self, Clerk | Reviewer | Administrator | Unit | Worker),
            // Cases: anyone reads their own; a unit reports its injured
            // worker and a worker applies for themself; clerks handle; a
            // reviewer (or an administrator) approves what a clerk made.
            ReadCase => matches!(self, Clerk | Reviewer | Administrator | Unit | Worker),
            FileCase => matches!(self, Clerk | Administrator | Unit | Worker),
            ReadWorkQueue => self.is_agency(),
            ActOnCase | ComputeAward => matches!(self, Clerk | Administrator),
            ApproveAward => matches!(self, Reviewer | Administrator),
            PayOneTime | RunPayroll | ManageBenefits => matches!(self, Clerk | Administrator),
            ReadPayroll => matches!(self, Clerk | Reviewer | Administrator | Analyst),
            ManageAccounts | ManageCalendar => matches!(self, Administrator),
            ReadStatistics => matches!(self, Clerk | Reviewer | Administrator | Analyst),
            // The service centre: anyone files (a worker or a unit for
            // itself, staff for a caller); the front desk triages, refers
            // and closes; a mediator mediates, refers and closes; a partner
            // body reports on what was referred to it (its scope); the
            // worker alone agrees to be shown to the other party.
            FileTicket => matches!(self, Clerk | Administrator | Unit | Worker | FrontDesk),
            ReadTickets => matches!(
                self,
                Clerk | Reviewer | Administrator | Unit | Worker | FrontDesk | Mediator | Partner
            ),
            TriageTicket => matches!(self, Administrator | FrontDesk),
            MediateTicket => matches!(self, Administrator | Mediator),
            ReferTicket | CloseTicket => matches!(self, Administrator | FrontDesk | Mediator),
            ReportReferral => matches!(self, Administrator | FrontDesk | Mediator | Partner),
            EscalateTickets => matches!(self, Administrator | FrontDesk | Mediator),
            ConsentToDisclosure => matches!(self, Worker),
            // The fund (issue 14): the agency and analysts read the accounts
            // and simulate; the agency's clerks run the reserve, as the payroll.
            ReadFund | RunSimulation => matches!(self, Clerk | Reviewer | Administrator | Analyst),
            RunReserve => matches!(self, Clerk | Administrator),
            ReadTicketStatistics => matches!(
                self,
                Clerk | Reviewer | Administrator | Analyst | FrontDesk | Mediator
            ),
            // Issue 13: agency staff and analysts read the parameters with
            // their notes and marks (never workers nor units).
            ReadParameters => matches!(self, Clerk | Reviewer | Administrator | Analyst),
            // Issue 13: a unit pays its own bills online.
            PayOwnBill => matches!(self, Unit),
            // issue 17: the map of articles, for the agency's staff.
            ReadArticleMap => matches!(self, Clerk | Reviewer | Administrator | Analyst),
            // issue 16: agency staff run the rules and handle the alerts,
            // analysts read them too; a unit, a platform or a worker never
            // sees an alert (it may be about them).
            RunMonitor | HandleAlert => self.is_agency(),
            ReadAlerts => matches!(self, Clerk | Reviewer | Administrator | Analyst),
            // issue 17: the officials who handle cases withdraw from one
            // (Regulations Art 20(4)); what they declared stays inside the
            // agency.
            RecordRecusal | ReadRecusals => matches!(self, Clerk | Reviewer | Administrator),
            // issue 12: overpayments (Decree 765 Art 46) are the payroll
            // clerks' work, like the benefits they correct; reviewers read
            // them. The reason is an internal note: no worker or unit reads it.
            RecordOverpayment | RecoverOverpayment => matches!(self, Clerk | Administrator),
            ReadOverpayments => matches!(self, Clerk | Reviewer | Administrator),
            // issue 12: the agency and analysts read every platform's payout
            // ratio (it floats the platform's rate); a platform its own.
            ReadPayoutRatios => matches!(self, Clerk | Reviewer | Administrator | Analyst | Unit),
            // issue 12: Regulations Art 41. The clerk who acts on cases records
            // what happened; the money follows an award a reviewer approves.
            RecordMissingWorker => matches!(self, Clerk | Administrator),
            // issues 16, 12, 17: Decree 765 Arts 9, 26. The payroll clerks
            // import shared data, run the matching (which ends benefits and
            // records overpayments, like RecordOverpayment) and verify
            // eligibility; reviewers read what it did. A worker or a unit
            // never reads another body's data about a person.
            ImportLifeEvents | RecordBeneficiary | RunMatching | RecordVerification => {
                matches!(self, Clerk | Administrator)
            }
            ReadMatching => matches!(self, Clerk | Reviewer | Administrator),
            // issue 17: Regulations Art 38. The clerk records the
            // confirmation; its suspension wages are an award a reviewer
            // approves (ComputeAward, ApproveAward).
            RecordRecurrence => matches!(self, Clerk | Administrator),
            // issue 17: Order No. 55 Art 31. The clerk records the
            // committee's decision; applying it changes awards and benefits,
            // so a reviewer does, as for an award (maker-checker).
            RecordAppraisalRevision => matches!(self, Clerk | Administrator),
            ApplyAppraisalRevision => matches!(self, Reviewer | Administrator),
            // issue 14: the fund pays appraisals (Regulations Art 12); its
            // clerks record the fee as they pay the benefits, reviewers read.
            RecordAppraisalFee => matches!(self, Clerk | Administrator),
            ReadAppraisalFees => matches!(self, Clerk | Reviewer | Administrator),
            // Regulations Arts 43-44: a unit's change of registration and a
            // posting abroad are registered at the agency; a unit records
            // the secondments and over-age agreements of its own people
            // (Order No. 56 Art 6), as its engagements. Reading them is
            // ReadRegistry (in scope), a case's liable unit ReadCase.
            RecordSuccession | RecordPosting => matches!(self, Clerk | Administrator),
            RecordSecondment | RecordOverAgeAgreement => {
                matches!(self, Clerk | Administrator | Unit)
            }
            // Regulations Arts 30-32, 47-48; Decree 765 Arts 22, 43. The
            // agency's clerks keep the register and settle the bills; the
            // register is published (Art 47), so everybody signed in reads
            // it; a worker claims back what they advanced on their own case
            // and, like their unit, reads the case's bills.
            RegisterInstitution | FileMedicalBill | SettleMedicalBill => {
                matches!(self, Clerk | Administrator)
            }
            ReadInstitutions => true,
            ClaimReimbursement => matches!(self, Clerk | Administrator | Worker),
            ReadMedicalBills => matches!(self, Clerk | Reviewer | Administrator | Unit | Worker),
            // Regulations Art 62(3): the agency's clerks record what the
            // unit paid back, as they record payments; the award it changes
            // is still made and checked by two people.
            RecordBackPayment => matches!(self, Clerk | Administrator),
            // Guangdong Regulations Art 56: the agency's clerks record the
            // unit's payment to the worker on its receipt, as they record
            // payments; the unit and the worker read it on the case.
            RecordUnitDuePayment => matches!(self, Clerk | Administrator),
            // Decree 765 Art 25: the payroll clerks record a report once they
            // verified it (it ends the benefit and records an overpayment,
            // like RecordOverpayment); reviewers read them. Reports are the
            // agency's record of who told it when: not shown to units or
            // workers, whose own page shows the benefit's end.
            RecordStopReport => matches!(self, Clerk | Administrator),
            ReadStopReports => matches!(self, Clerk | Reviewer | Administrator),
            // Decree 765 Arts 6, 10: a unit applies for its own people (or a
            // clerk records the paper handed in at the window); the agency's
            // clerks complete it within the 10 working days; the unit reads
            // its own applications and how long the agency took.
            ReceiveRegistration => matches!(self, Clerk | Administrator | Unit),
            CompleteRegistration => matches!(self, Clerk | Administrator),
            ReadRegistrations => matches!(self, Clerk | Reviewer | Administrator | Unit),
            // Decree 765 Art 45(2): the agency's officers record what they
            // found (a reviewer as well as a clerk: the findings of an alert
            // or a revision are theirs too); the record is the agency's,
            // never shown to the unit, the person or the institution through
            // these pages, nor to analysts.
            RecordCredit => matches!(self, Clerk | Reviewer | Administrator),
            ReadCredit => matches!(self, Clerk | Reviewer | Administrator),
            // Regulations Art 35 para 2: the unit declares its grade 1-4 workers'
            // medical insurance on the allowance; the agency's staff list
            // every unit's. Personal data: not for analysts.
            ReadMedicalInsuranceBases => matches!(self, Clerk | Reviewer | Administrator | Unit),
            // Decree 765 Art 10: the agency completes a unit's cancellation
            // (the unit applies on paper or through the registration window).
            CancelUnit => matches!(self, Clerk | Administrator),
            // issue 14: whoever may simulate keeps scenarios and runs them as
            // jobs; the team shares them (aggregates only, no personal data).
            SaveScenario | ReadScenarios | RunSimulationJob | ReadSimulationJobs => {
                matches!(self, Clerk | Reviewer | Administrator | Analyst)
            }
            // Social Insurance Law Arts 41-42, Order No. 15 Arts 4, 6: the
            // worker (or a relative, through the worker's account) applies
            // in writing, or a clerk records the paper handed in; the
            // agency's clerks send the unit's notice and decide; money paid
            // out is checked by a second person, as an award is (a reviewer,
            // not who granted it); the clerks record repayments, as they
            // record payments.
            ApplyAdvance => matches!(self, Clerk | Administrator | Worker),
            // Ending the monthly advance is the clerks' like the decision:
            // it stops money going out, it pays nothing.
            DecideAdvance | RecordAdvanceRecovery | EndMonthlyAdvance => {
                matches!(self, Clerk | Administrator)
            }
            // Late fees are money received, like a payment (Social Insurance
            // Law Art 86).
            RecordLateFeePayment => matches!(self, Clerk | Administrator),
            // A deferral (缓缴) is the agency's approval, recorded by its
            // clerks as they record payments; never by the unit it favours.
            RecordDeferral => matches!(self, Clerk | Administrator),
            PayAdvance => matches!(self, Reviewer | Administrator),
        }
    }
}

impl Actor {
    /// The command line's local administrator (`--actor` names an account
    /// instead): whoever can open the database file or URL.
    pub fn local_administrator(login: &str) -> Actor {
        Actor {
            login: login.to_owned(),
            role: Role::Administrator,
            scope: Scope::All,
        }
    }

    /// The application's own runs (the demo's seeding, a scheduled job).
    pub fn system() -> Actor {
        Actor::local_administrator("system")
    }

    /// What the audit log records: `role:login`.
    pub fn audit_name(&self) -> String {
        format!("{}:{}", self.role.as_str(), self.login)
    }

    pub fn may(&self, action: Action) -> bool {
        self.role.may(action)
    }

    /// `forbidden` unless the role may do `action`.
    pub fn authorize(&self, action: Action) -> Result<(), AppError> {
        if self.may(action) {
            Ok(())
        } else {
            Err(AppError::Forbidden { action })
        }
    }

    /// Agency staff see every record.
    pub fn is_agency(&self) -> bool {
        self.role.is_agency()
    }

    /// The unit of a unit user.
    pub fn unit(&self) -> Option<&CreditCode> {
        match &self.scope {
            Scope::Unit { unit, .. } => Some(unit),
            _ => None,
        }
    }

    /// The platform a unit user imports for.
    pub fn platform(&self) -> Option<&PlatformId> {
        match &self.scope {
            Scope::Unit { platform, .. } => platform.as_ref(),
            _ => None,
        }
    }

    /// The body a partner user acts for.
    pub fn partner_body(&self) -> Option<&str> {
        match &self.scope {
            Scope::Partner(b) => Some(b),
            _ => None,
        }
    }

    /// The person a worker is.
    pub fn person(&self) -> Option<&ResidentId> {
        match &self.scope {
            Scope::Person(p) => Some(p),
            _ => None,
        }
    }

    /// Whether a record of `unit` is in scope.
    pub fn reaches_unit(&self, unit: Option<&CreditCode>) -> bool {
        match &self.scope {
            Scope::All => true,
            Scope::Unit { unit: own, .. } => unit == Some(own),
            Scope::Person(_) | Scope::StatisticsOnly | Scope::Partner(_) => false,
        }
    }

    /// Whether a record of `person` (of `unit`, if it has one) is in scope.
    pub fn reaches(&self, person: &ResidentId, unit: Option<&CreditCode>) -> bool {
        match &self.scope {
            Scope::All => true,
            Scope::Unit { unit: own, .. } => unit == Some(own),
            Scope::Person(me) => me == person,
            Scope::StatisticsOnly | Scope::Partner(_) => false,
        }
    }

    /// Whether a platform's orders (or their aggregates, for an analyst)
    /// are in scope.
    pub fn reaches_platform(&self, platform: &PlatformId) -> bool {
        match &self.scope {
            Scope::All | Scope::StatisticsOnly => true,
            Scope::Unit { platform: own, .. } => own.as_ref() == Some(platform),
            Scope::Person(_) | Scope::Partner(_) => false,
        }
    }

    /// `forbidden` for a change in the name of another unit, platform or
    /// person (the actor knows what it names: nothing leaks).
    pub fn require_own(
        &self,
        own: bool,
        field: &'static str,
        reason: impl Into<String>,
    ) -> Result<(), AppError> {
        if own {
            Ok(())
        } else {
            Err(AppError::OutOfScope {
                field,
                reason: reason.into(),
            })
        }
    }

    /// `not_found` for a record outside the scope (its existence does not
    /// leak), given how the record is named.
    pub fn require_reach(
        &self,
        reached: bool,
        entity: &'static str,
        key: impl Into<String>,
    ) -> Result<(), AppError> {
        if reached {
            Ok(())
        } else {
            Err(AppError::NotFound {
                entity,
                key: key.into(),
            })
        }
    }
}
