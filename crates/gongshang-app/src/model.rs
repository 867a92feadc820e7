//! The records the use cases answer with, for the HTTP API, the web UI and
//! the command line, which do not depend on the store: read models kept by
//! the store (rows of units, people, bills, cases, awards, ...) and the
//! inputs some use cases take as they are.

pub use gongshang_store::cases::{
    AwardItemRow, AwardRow, CaseRow, ConclusionRow, OneTimePaymentRow, PayrollRunRow,
    PeriodicBenefitRow, StoredDeadline,
};
// Issue 13: what agency staff work from.
pub use gongshang_store::cases::{AwardReturn, RETURN_REASON_MAX_CHARS, ReviewRow, WorkQueueRow};
pub use gongshang_store::late_fees::{BillLateFees, LateFeeAssessmentRow, LateFeePaymentRow};
pub use gongshang_store::model::AuditEntry;
pub use gongshang_store::views::{
    BillRow, CaseListRow, DashboardCounts, ListQuery, PersonRow, UnitRow,
};
pub use gongshang_store::{
    BackendKind, BillKind, BillStatus, CommitmentForm, Engagement, ImportCounts, ImportSummary,
    NewEngagement, ORDER_SCHEME_ID, OrderRecord, Page, Person, StoredCommitment, StoredEnrollment,
    StoredResponse, Unit, UnitKind,
};
// Issue 15: a ticket's row and what it is about.
pub use gongshang_store::tickets::{ReferralRow, SubjectKind, TicketRow};
// Issue 12: overpayments recovered (Decree 765 Art 46).
pub use gongshang_store::cases::{
    ArrearsPaid, RevisionApplied, RevisionKind, RevisionRecovery, RevisionRow, RevisionStatus,
};
pub use gongshang_store::recovery::{InstalmentRow, OverpaymentRow, RecoveryMethod};
