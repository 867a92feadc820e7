//! Cases, appraisals, awards and the payroll: thin handlers over the case
//! services of `gongshang_app::cases` and `gongshang_app::payroll`.
//!
//! Who may do what is the app's action table (`gongshang_app::actor`):
//! agency clerks and administrators file cases (a unit for its own workers,
//! a worker for themself), staff act on them and compute awards; reviewers
//! and administrators approve awards (never their own: maker-checker, 409
//! `maker_checker`); agency staff see every case, a unit user its own
//! unit's, a worker their own (404 otherwise, so that a case's existence
//! does not leak); analysts see no case at all (403), only the payroll
//! runs' totals.
//!
//! Every POST that moves money (one-time payments, the payroll run) requires
//! an `Idempotency-Key`; running a month's payroll again pays nothing.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use gongshang_app::cases::{AwardRequest, AwardView, CaseCommand, CaseView, FileCaseRequest};
use gongshang_app::model::{AwardRow, ConclusionRow, PayrollRunRow, StoredDeadline};
use gongshang_domain::deadline::Deadline;
use gongshang_domain::determination::{self, Finding};
use gongshang_domain::{appraisal, confirmation};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::bills::parse_month;
use super::registry::parse_date;
use super::{ApiJson, ApiQuery, idempotent, json, json_sized, parse_body, to_value, wire};
use crate::AppState;
use crate::auth::CurrentUser;
use crate::error::{ApiError, ApiResult, Problem};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(file_case))
        .routes(routes!(get_case))
        .routes(routes!(act_determination))
        .routes(routes!(act_appraisal, appraisal_history))
        .routes(routes!(work_queue))
        .routes(routes!(compute_award, list_awards))
        .routes(routes!(get_award))
        .routes(routes!(approve_award))
        .routes(routes!(pay_one_time))
        .routes(routes!(record_appraisal_fee, appraisal_fees))
        .routes(routes!(run_payroll, list_payroll_runs))
        .routes(routes!(case_notice))
}

// ---- views ------------------------------------------------------------------------

#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct DeadlineView {
    /// e.g. `decision`, `completeness_review`, `appraisal_conclusion`.
    pub kind: String,
    pub due: String,
    /// The article that sets it.
    pub article: String,
}

impl From<&StoredDeadline> for DeadlineView {
    fn from(d: &StoredDeadline) -> Self {
        DeadlineView {
            kind: d.kind.as_str().to_owned(),
            due: d.due.to_string(),
            article: d.article.clone(),
        }
    }
}

/// A running deadline: what it is for, from which event, the period, the
/// day it falls due and the article that sets it.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct RunningDeadlineView {
    /// e.g. `decision`, `completeness_review`, `appraisal_conclusion`.
    pub kind: String,
    /// The day of the event the period runs from.
    pub from: String,
    /// The statutory period (working days when `working_days`).
    pub period_days: i64,
    /// Days added: suspended days, an approved extension.
    pub added_days: i64,
    pub working_days: bool,
    pub due: String,
    /// The due date was counted in a year whose public-holiday arrangement is
    /// not loaded (weekends only); it may move once the year is loaded.
    pub provisional: bool,
    pub article: String,
}

impl From<&Deadline> for RunningDeadlineView {
    fn from(d: &Deadline) -> Self {
        RunningDeadlineView {
            kind: d.kind.as_str().to_owned(),
            from: d.from.to_string(),
            period_days: d.period_days,
            added_days: d.added_days,
            working_days: d.working_days,
            due: d.due.to_string(),
            provisional: d.provisional,
            article: d.article.clone(),
        }
    }
}

/// Where the injury determination (工伤认定) stands.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct DeterminationView {
    /// `not_filed`, `completeness_review`, `awaiting_materials`, `accepted`,
    /// `decided`, `rejected`, `withdrawn` or `terminated`.
    pub phase: String,
    /// `unit`, `worker`, `close_relative` or `union`.
    pub applicant: Option<String>,
    pub filed_on: Option<String>,
    pub ground_claimed: Option<String>,
    /// The materials received.
    pub materials: Vec<String>,
    /// The materials asked for, when a request is out or was made.
    pub materials_requested: Vec<String>,
    /// Days the unit filed late (条例 Art 17(4)), when it did.
    pub unit_filed_late_by_days: Option<i64>,
    pub accepted_on: Option<String>,
    pub simple_case: bool,
    pub investigation_started_on: Option<String>,
    pub suspended: bool,
    pub decided_on: Option<String>,
    /// `recognised` or `not_recognised`.
    pub finding: Option<String>,
    /// The ground recognised (`art14_1_work_accident`, ...).
    pub ground: Option<String>,
    pub delivered_on: Option<String>,
    /// Why the application was inadmissible, once rejected.
    pub inadmissible_because: Option<String>,
}

impl From<&determination::State> for DeterminationView {
    fn from(d: &determination::State) -> Self {
        let app = d.application.as_ref();
        let (finding, ground) = match d.decision.as_ref().map(|x| &x.finding) {
            Some(Finding::Recognised { ground }) => {
                (Some("recognised".to_owned()), Some(wire(ground)))
            }
            Some(Finding::NotRecognised { .. }) => (Some("not_recognised".to_owned()), None),
            None => (None, None),
        };
        DeterminationView {
            phase: d.phase.name().to_owned(),
            applicant: app.map(|a| wire(&a.applicant)),
            filed_on: app.map(|a| a.filed_on.to_string()),
            ground_claimed: app.map(|a| wire(&a.ground_claimed)),
            materials: d.materials.iter().map(material).collect(),
            materials_requested: d
                .materials_requested
                .as_ref()
                .map(|(_, m)| m.iter().map(material).collect())
                .unwrap_or_default(),
            unit_filed_late_by_days: d.late_unit_filing.map(|(_, n)| n),
            accepted_on: d.accepted_on.map(|x| x.to_string()),
            simple_case: d.simple_case,
            investigation_started_on: d.investigation_started_on.map(|x| x.to_string()),
            suspended: d.is_suspended(),
            decided_on: d.decided_on.map(|x| x.to_string()),
            finding,
            ground,
            delivered_on: d.delivered_on.map(|x| x.to_string()),
            inadmissible_because: d.rejected.as_ref().map(tag_or_text),
        }
    }
}

/// A material's kind (`application_form`, ...).
fn material<T: Serialize>(m: &T) -> String {
    match serde_json::to_value(m) {
        Ok(serde_json::Value::Object(o)) => o
            .get("kind")
            .and_then(|k| k.as_str())
            .unwrap_or("")
            .to_owned(),
        Ok(other) => other.as_str().unwrap_or("").to_owned(),
        Err(_) => String::new(),
    }
}

/// An enum's name (`not_covered_at_injury`, ...), whatever its shape.
fn tag_or_text<T: Serialize>(v: &T) -> String {
    match serde_json::to_value(v) {
        Ok(serde_json::Value::String(s)) => s,
        Ok(serde_json::Value::Object(o)) => o
            .get("reason")
            .or_else(|| o.get("kind"))
            .and_then(|k| k.as_str())
            .map(str::to_owned)
            .or_else(|| o.keys().next().cloned())
            .unwrap_or_default(),
        _ => String::new(),
    }
}

/// Where the work-capacity appraisal (劳动能力鉴定) stands.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct AppraisalView {
    /// An application not concluded yet: its kind (`initial`, `reappraisal`,
    /// `review`), level and day.
    pub pending_kind: Option<String>,
    pub pending_level: Option<String>,
    pub pending_applied_on: Option<String>,
    /// Conclusions so far.
    pub conclusions: usize,
    /// The grade in force (1 most severe to 10), absent when none reached.
    pub grade: Option<u8>,
    /// The nursing level in force (`fully`, `mostly`, `partly`).
    pub nursing: Option<String>,
    pub concluded_on: Option<String>,
}

impl From<&appraisal::State> for AppraisalView {
    fn from(a: &appraisal::State) -> Self {
        let current = a.current();
        AppraisalView {
            pending_kind: a.pending.as_ref().map(|p| wire(&p.kind)),
            pending_level: a.pending.as_ref().map(|p| wire(&p.level)),
            pending_applied_on: a.pending.as_ref().map(|p| p.applied_on.to_string()),
            conclusions: a.history.len(),
            grade: current.and_then(|c| c.grade).map(|g| g.get()),
            nursing: current.and_then(|c| c.nursing).map(|n| wire(&n)),
            concluded_on: current.map(|c| c.concluded_on.to_string()),
        }
    }
}

/// The platform pilot's occupational-injury confirmation (职业伤害确认).
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct ConfirmationView {
    pub phase: String,
    pub platform: Option<String>,
    pub applicant: Option<String>,
    pub filed_on: Option<String>,
    pub late_platform_days: Option<i64>,
    pub confirmed_ground: Option<String>,
    pub inadmissible_because: Option<String>,
    pub denied_because: Option<String>,
}

impl From<&confirmation::State> for ConfirmationView {
    fn from(c: &confirmation::State) -> Self {
        let app = c.application.as_ref();
        ConfirmationView {
            phase: c.phase.name().to_owned(),
            platform: app.map(|a| a.platform.as_str().to_owned()),
            applicant: app.map(|a| wire(&a.applicant)),
            filed_on: app.map(|a| a.filed_on.to_string()),
            late_platform_days: c.late_platform_days,
            confirmed_ground: c.confirmed_ground.as_ref().map(wire),
            inadmissible_because: c.rejection.as_ref().map(tag_or_text),
            denied_because: c.denial.as_ref().map(|(_, text)| text.clone()),
        }
    }
}

/// An insurer's claim (益鹭保).
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct ClaimView {
    pub phase: String,
    pub filed_on: Option<String>,
    /// Yuan claimed, as filed.
    pub claimed: Option<String>,
    /// Yuan the scheme's schedule gives, within the cap left.
    pub assessed: Option<String>,
    pub approved: Option<String>,
    pub approved_on: Option<String>,
    pub paid: String,
    pub inadmissible_because: Option<String>,
    pub declined_because: Option<String>,
}

/// One event of the case: when, what, and who recorded it.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct EventView {
    pub seq: i64,
    /// `determination`, `confirmation`, `insurer_claim` or `appraisal`.
    pub stream: String,
    /// The event's name (`filed`, `accepted`, `concluded`, ...).
    pub kind: String,
    /// Its legal date.
    pub on: String,
    pub recorded_at: String,
    pub actor: String,
}

/// A case: its row, where its determination (or confirmation, or claim) and
/// its appraisal stand, its running deadlines (the nearest first) and its
/// events.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct CaseDetailView {
    pub number: String,
    /// `determination`, `confirmation` or `insurer_claim`.
    pub flow: String,
    pub person: String,
    pub unit: Option<String>,
    pub scheme_id: String,
    pub jurisdiction: String,
    pub region: Option<String>,
    pub accident_date: String,
    /// The state its row shows (`accepted`, `appraisal_pending`, ...).
    pub state: String,
    pub closed: bool,
    /// Send nothing: commands are appended at the version read by the server;
    /// a concurrent change is a 409 `conflict`.
    pub version: i64,
    pub opened_at: String,
    pub updated_at: String,
    /// The nearest running deadline.
    pub deadline: Option<DeadlineView>,
    /// Days left to the nearest deadline (negative: overdue).
    pub days_left: Option<i64>,
    /// Every running deadline.
    pub deadlines: Vec<RunningDeadlineView>,
    pub determination: DeterminationView,
    pub appraisal: AppraisalView,
    /// The platform pilot's confirmation, for a case of that flow.
    pub confirmation: Option<ConfirmationView>,
    /// The insurer's claim, for a case of that flow.
    pub claim: Option<ClaimView>,
    pub events: Vec<EventView>,
}

impl From<&CaseView> for CaseDetailView {
    fn from(v: &CaseView) -> Self {
        let r = &v.row;
        CaseDetailView {
            number: r.number.clone(),
            flow: r.flow.as_str().to_owned(),
            person: r.person.as_str().to_owned(),
            unit: r.unit.map(|u| u.as_str().to_owned()),
            scheme_id: r.scheme_id.to_string(),
            jurisdiction: r.jurisdiction.clone(),
            region: r.region.clone(),
            accident_date: r.accident_date.to_string(),
            state: r.state.as_str().to_owned(),
            closed: r.closed,
            version: r.version,
            opened_at: r.opened_at.to_string(),
            updated_at: r.updated_at.to_string(),
            deadline: r.deadline.as_ref().map(DeadlineView::from),
            days_left: v.days_left,
            deadlines: v.deadlines.iter().map(RunningDeadlineView::from).collect(),
            determination: DeterminationView::from(&v.determination),
            appraisal: AppraisalView::from(&v.appraisal),
            confirmation: v.confirmation.as_ref().map(ConfirmationView::from),
            claim: v.claim.as_ref().map(|k| ClaimView {
                phase: k.phase.name().to_owned(),
                filed_on: k.claim.as_ref().map(|c| c.filed_on.to_string()),
                claimed: k.claim.as_ref().map(|c| c.claimed.to_string()),
                assessed: v.claim_assessed.map(|m| m.to_string()),
                approved: k.approved.map(|(_, m)| m.to_string()),
                approved_on: k.approved.map(|(d, _)| d.to_string()),
                paid: k.paid.to_string(),
                inadmissible_because: k.rejection.as_ref().map(tag_or_text),
                declined_because: k.declined_because.clone(),
            }),
            events: v
                .events
                .iter()
                .map(|e| EventView {
                    seq: e.seq,
                    stream: e.stream.as_str().to_owned(),
                    kind: e.kind.clone(),
                    on: e.on.to_string(),
                    recorded_at: e.recorded_at.to_string(),
                    actor: e.actor.clone(),
                })
                .collect(),
        }
    }
}

#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct QueueItemView {
    pub number: String,
    pub state: String,
    pub scheme_id: String,
    pub deadline: DeadlineView,
    pub days_left: i64,
    pub overdue: bool,
    /// The due date was counted in a year whose public-holiday arrangement is
    /// not loaded (weekends only); it may move once the year is loaded.
    pub provisional: bool,
}

#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct ConclusionView {
    /// 1 for the first conclusion of the case, then 2, 3, ...
    pub number: i64,
    /// `initial`, `reappraisal` or `review`.
    pub kind: String,
    /// `municipal` or `provincial`.
    pub level: String,
    pub applied_on: String,
    pub concluded_on: String,
    /// 1 (most severe) to 10; absent when no grade was reached.
    pub grade: Option<u8>,
    pub nursing: Option<String>,
    pub late_by_days: i64,
    pub reappraisal_of: Option<i64>,
}

impl From<&ConclusionRow> for ConclusionView {
    fn from(c: &ConclusionRow) -> Self {
        ConclusionView {
            number: c.number,
            kind: c.kind.clone(),
            level: c.level.clone(),
            applied_on: c.applied_on.to_string(),
            concluded_on: c.concluded_on.to_string(),
            grade: c.grade,
            nursing: c.nursing.clone(),
            late_by_days: c.late_by_days,
            reappraisal_of: c.reappraisal_of,
        }
    }
}

/// One item of an award: what, to whom, how often, who pays, how much.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct AwardItemView {
    pub item: String,
    /// `one_time` or `monthly`.
    pub periodicity: String,
    /// `fund`, `employer` or `insurer`.
    pub payer: String,
    pub beneficiary: String,
    /// Yuan, exact to the fen.
    pub amount: String,
    pub citation: String,
}

/// An award without its trace (for lists).
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct AwardSummaryView {
    pub id: i64,
    /// `proposed`, `approved`, `superseded` or `rejected`.
    pub status: String,
    pub basis: String,
    pub legal_date: String,
    pub scheme_id: String,
    pub jurisdiction: String,
    /// Yuan: the one-time items' total.
    pub one_time: String,
    /// Yuan: the monthly items' total.
    pub monthly: String,
    pub supersedes: Option<i64>,
    pub made_by: String,
    pub made_at: String,
    pub checked_by: Option<String>,
    pub checked_at: Option<String>,
    pub items: Vec<AwardItemView>,
}

impl From<&AwardRow> for AwardSummaryView {
    fn from(a: &AwardRow) -> Self {
        AwardSummaryView {
            id: a.id,
            status: a.status.as_str().to_owned(),
            basis: a.basis.as_str().to_owned(),
            legal_date: a.legal_date.to_string(),
            scheme_id: a.scheme_id.to_string(),
            jurisdiction: a.jurisdiction.clone(),
            one_time: a.one_time.to_string(),
            monthly: a.monthly.to_string(),
            supersedes: a.supersedes,
            made_by: a.made_by.clone(),
            made_at: a.made_at.to_string(),
            checked_by: a.checked_by.clone(),
            checked_at: a.checked_at.map(|t| t.to_string()),
            items: a
                .items
                .iter()
                .map(|i| AwardItemView {
                    item: wire(&i.item),
                    periodicity: wire(&i.periodicity),
                    payer: wire(&i.payer),
                    beneficiary: i.beneficiary.clone(),
                    amount: i.amount.to_string(),
                    citation: i.citation.clone(),
                })
                .collect(),
        }
    }
}

/// A line of the difference between an award and the one it replaces.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct DifferenceLineView {
    pub item: String,
    pub beneficiary: String,
    /// `one_time` or `monthly`.
    pub periodicity: String,
    pub before: String,
    pub after: String,
    /// Months already paid at the old amount (monthly items).
    pub months_paid: u32,
    /// Positive: arrears to pay; negative: an amount to recover.
    pub difference: String,
}

/// What a recalculation changes: arrears to pay and amounts to recover.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct DifferenceView {
    pub arrears: String,
    pub to_recover: String,
    pub lines: Vec<DifferenceLineView>,
}

/// A periodic benefit on the payroll.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct BenefitView {
    pub id: i64,
    pub item: String,
    pub payer: String,
    pub beneficiary: String,
    pub start_month: String,
    pub end_month: Option<String>,
    pub end_reason: Option<String>,
    pub suspended: bool,
    /// Yuan a month, the latest amount.
    pub monthly: Option<String>,
}

/// A one-time item paid.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct OneTimePaymentView {
    pub item: String,
    pub beneficiary: String,
    pub amount: String,
    pub paid_on: String,
}

/// An award with its trace, the difference from the award it replaces
/// (arrears or an amount to recover), the case's running benefits and the
/// one-time payments made.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct AwardDetailView {
    pub case_number: String,
    pub award: AwardSummaryView,
    /// The rules engine's trace: every step with its article, the parameter
    /// values it used (with their dates and citations) and its formula.
    #[schema(value_type = Object)]
    pub trace: serde_json::Value,
    /// Item by item, what changes from the approved award this one would
    /// replace; null for the first award of a case.
    pub difference: Option<DifferenceView>,
    pub benefits: Vec<BenefitView>,
    pub payments: Vec<OneTimePaymentView>,
}

impl From<&AwardView> for AwardDetailView {
    fn from(v: &AwardView) -> Self {
        AwardDetailView {
            case_number: v.case_number.clone(),
            award: AwardSummaryView::from(&v.award),
            trace: serde_json::from_str(&v.award.trace).unwrap_or(serde_json::Value::Null),
            difference: v.difference.as_ref().map(|d| DifferenceView {
                arrears: d.arrears.to_string(),
                to_recover: d.to_recover.to_string(),
                lines: d
                    .lines
                    .iter()
                    .map(|l| DifferenceLineView {
                        item: wire(&l.item),
                        beneficiary: l.beneficiary.clone(),
                        periodicity: wire(&l.periodicity),
                        before: l.before.to_string(),
                        after: l.after.to_string(),
                        months_paid: l.months_paid,
                        difference: l.difference.to_string(),
                    })
                    .collect(),
            }),
            benefits: v
                .benefits
                .iter()
                .map(|b| BenefitView {
                    id: b.id,
                    item: wire(&b.item),
                    payer: wire(&b.payer),
                    beneficiary: b.beneficiary.clone(),
                    start_month: b.start_month.to_string(),
                    end_month: b.end_month.map(|m| m.to_string()),
                    end_reason: b.end_reason.clone(),
                    suspended: b.suspended,
                    monthly: b.amounts.last().map(|a| a.amount.to_string()),
                })
                .collect(),
            payments: v
                .payments
                .iter()
                .map(|p| OneTimePaymentView {
                    item: wire(&p.item),
                    beneficiary: p.beneficiary.clone(),
                    amount: p.amount.to_string(),
                    paid_on: p.paid_on.to_string(),
                })
                .collect(),
        }
    }
}

#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct PayrollRunView {
    pub id: i64,
    /// YYYY-MM.
    pub month: String,
    /// 1 for the month's first run; a later run pays only what was not paid.
    pub run_no: i64,
    /// Benefits paid by this run (0 when the month was paid already).
    pub lines: u64,
    /// Yuan paid by this run.
    pub total: String,
    pub ledger_key: Option<String>,
    pub started_at: String,
    pub actor: String,
    /// `[item, lines, total in yuan]`.
    // Described as arrays of any value: utoipa writes a tuple as 3.1's
    // `prefixItems`, which schemathesis 4 refuses as a schema error.
    #[schema(value_type = Vec<Vec<serde_json::Value>>)]
    pub by_item: Vec<(String, u64, String)>,
    /// Monthly items the run advanced for uninsured units that do not pay
    /// (Order No. 15 Art 8), apart from `total`: owed back by the units.
    pub advance_lines: u64,
    /// Yuan advanced by this run.
    pub advance_total: String,
}

impl From<&PayrollRunRow> for PayrollRunView {
    fn from(r: &PayrollRunRow) -> Self {
        PayrollRunView {
            id: r.id,
            month: r.month.to_string(),
            run_no: r.run_no,
            lines: r.lines,
            total: r.total.to_string(),
            ledger_key: r.ledger_key.clone(),
            started_at: r.started_at.to_string(),
            actor: r.actor.clone(),
            by_item: r
                .by_item
                .iter()
                .map(|(i, n, t)| (wire(i), *n, t.to_string()))
                .collect(),
            advance_lines: r.advance_lines,
            advance_total: r.advance_total.to_string(),
        }
    }
}

// ---- requests ------------------------------------------------------------------------

/// An application for injury determination (办法 Art 5-6).
#[derive(Clone, Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FileCaseBody {
    /// The case number; assigned when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub number: Option<String>,
    /// The injured person's identity number.
    pub person: String,
    /// The insured unit's credit code (registered).
    pub unit: String,
    pub scheme_id: String,
    /// GB/T 2260 code of the pooling region; the unit's when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    /// unit, worker, close_relative or union.
    pub applicant: String,
    /// YYYY-MM-DD (or the day of the diagnosis).
    pub accident_date: String,
    /// YYYY-MM-DD; the day it is recorded when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub filed_on: Option<String>,
    /// The Art 14/15 ground claimed, e.g. `art14_1_work_accident`.
    pub ground_claimed: String,
    /// The materials handed in, e.g. `application_form`,
    /// `labour_relation_proof`, `medical_diagnosis`, or `{"kind": "other", "name": ".."}`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schema(value_type = Vec<Object>)]
    pub materials: Vec<serde_json::Value>,
    /// What identifies the accident across cases; `<resident id>@<date>` when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub accident_key: Option<String>,
    /// For interns (Guangdong specific persons, Annex 2): the school.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub intern_school: Option<String>,
}

/// A command to a case's determination or appraisal.
#[derive(Clone, Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CommandBody {
    /// A command name without arguments (`accept`, `withdraw`, `apply`,
    /// `receive`, ...) or the command as an object, e.g.
    /// `{"command": "decide", "finding": {"finding": "recognised", "ground": "art14_1_work_accident"}}`
    /// or `{"command": "conclude", "grade": 5, "nursing": null}`.
    #[schema(value_type = Object)]
    pub command: serde_json::Value,
    /// YYYY-MM-DD: the day it happened; today when absent (never after today).
    #[serde(default)]
    pub on: Option<String>,
}

/// The facts of an award computation.
#[derive(Clone, Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AwardBody {
    /// A rules-engine case without `injury_date`, `grade`, `nursing` and
    /// `appraisal_date` (they come from the case): `own_wage`,
    /// `suspension_months`, `hospital_days`, dependants, ...
    #[schema(value_type = Object)]
    pub facts: serde_json::Value,
    /// `initial` (default), `new_appraisal`, `parameter_correction`, ...
    #[serde(default)]
    pub basis: Option<String>,
    /// Birth dates (YYYY-MM-DD) of the non-spouse dependants, in the order of
    /// the engine's survivors.
    #[serde(default)]
    pub dependant_birth_dates: Vec<Option<String>>,
    /// The id of the approved award this one replaces: required when the
    /// case has an approved award (the explicit confirmation), refused when
    /// it names another award (409).
    #[serde(default)]
    pub replaces: Option<i64>,
}

#[derive(Clone, Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PayOneTimeBody {
    /// YYYY-MM-DD.
    pub paid_on: String,
}

#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct OneTimePaidView {
    pub item: String,
    pub beneficiary: String,
    /// Yuan.
    pub amount: String,
    /// Paid before: nothing was paid now.
    pub already_paid: bool,
}

#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct OneTimePayoutView {
    pub paid: Vec<OneTimePaidView>,
    /// `[item, beneficiary, yuan]` paid before above what the approved award says.
    #[schema(value_type = Vec<Vec<String>>)]
    pub to_recover: Vec<(String, String, String)>,
}

#[derive(Clone, Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PayrollRunBody {
    /// YYYY-MM.
    pub month: String,
}

#[derive(Clone, Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct MonthQuery {
    /// YYYY-MM.
    pub month: String,
}

#[derive(Clone, Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct QueueQuery {
    /// 1 to 1000 (default 100).
    pub limit: Option<u32>,
}

/// A body field that is a domain value: parsed by the domain's serde, the
/// error naming the field.
fn domain_value<T: serde::de::DeserializeOwned>(field: &str, v: serde_json::Value) -> ApiResult<T> {
    let shown = v.to_string();
    serde_json::from_value(v).map_err(|e| ApiError::invalid(field, format!("{shown}: {e}")))
}

impl FileCaseBody {
    fn into_request(self) -> ApiResult<FileCaseRequest> {
        Ok(FileCaseRequest {
            number: self.number,
            person: super::registry::parse_resident("person", &self.person)?,
            unit: super::registry::parse_credit("unit", &self.unit)?,
            scheme_id: super::registry::parse_scheme("scheme_id", &self.scheme_id)?,
            region: self.region,
            applicant: domain_value("applicant", self.applicant.into())?,
            accident_date: parse_date("accident_date", &self.accident_date)?,
            filed_on: self
                .filed_on
                .as_deref()
                .map(|d| parse_date("filed_on", d))
                .transpose()?,
            ground_claimed: domain_value("ground_claimed", self.ground_claimed.into())?,
            materials: self
                .materials
                .into_iter()
                .map(|m| match m {
                    // A name alone is the kind of a material without fields.
                    serde_json::Value::String(kind) => {
                        domain_value("materials", serde_json::json!({ "kind": kind }))
                    }
                    other => domain_value("materials", other),
                })
                .collect::<ApiResult<_>>()?,
            accident_key: self.accident_key,
            intern_school: self.intern_school,
        })
    }
}

fn command_value(v: serde_json::Value) -> serde_json::Value {
    match v {
        serde_json::Value::String(name) => serde_json::json!({ "command": name.trim() }),
        other => other,
    }
}

// ---- handlers ----------------------------------------------------------------------

/// File an application for injury determination (agency clerks). Under a
/// single-risk or platform scheme the person must have been covered at the
/// moment of injury, or the case is recorded as inadmissible with that reason.
#[utoipa::path(post, path = "/cases", tag = "cases", request_body = FileCaseBody,
    responses((status = 201, body = CaseDetailView), (status = "4XX", body = Problem)))]
pub async fn file_case(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiJson(body): ApiJson<FileCaseBody>,
) -> ApiResult<Response> {
    let req = body.into_request()?;
    let actor = user.actor();
    let view = state
        .run(move |app| {
            let row = app.file_case(&actor, &req)?;
            app.case_view(&actor, &row.number)
        })
        .await?;
    Ok(json_sized(
        StatusCode::CREATED,
        &CaseDetailView::from(&view),
        4096,
    ))
}

/// A case: its state, deadlines and events (agency staff; a unit its own
/// unit's cases; a worker their own).
#[utoipa::path(get, path = "/cases/{number}", tag = "cases",
    params(("number" = String, Path, description = "the case number")),
    responses((status = 200, body = CaseDetailView), (status = "4XX", body = Problem)))]
pub async fn get_case(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(number): Path<String>,
) -> ApiResult<Response> {
    let actor = user.actor();
    let view = state.run(move |app| app.case_view(&actor, &number)).await?;
    Ok(json_sized(
        StatusCode::OK,
        &CaseDetailView::from(&view),
        4096,
    ))
}

async fn act(
    state: AppState,
    user: CurrentUser,
    number: String,
    body: CommandBody,
    appraisal: bool,
) -> ApiResult<Response> {
    let on = body
        .on
        .as_deref()
        .map(|d| parse_date("on", d))
        .transpose()?;
    let command = if appraisal {
        CaseCommand::Appraisal(domain_value("command", command_value(body.command))?)
    } else {
        CaseCommand::Determination(domain_value("command", command_value(body.command))?)
    };
    let actor = user.actor();
    let view = state
        .run(move |app| {
            app.act(&actor, &number, command, on)?;
            app.case_view(&actor, &number)
        })
        .await?;
    Ok(json_sized(
        StatusCode::OK,
        &CaseDetailView::from(&view),
        4096,
    ))
}

/// A command to the determination (agency clerks): `request_materials`,
/// `complete_materials`, `accept`, `reject`, `suspend`, `resume`,
/// `withdraw`, `terminate`, `decide`, ... The domain decides; a command the
/// state does not allow is a 409 `conflict` naming the state.
#[utoipa::path(post, path = "/cases/{number}/determination", tag = "cases",
    params(("number" = String, Path, description = "the case number")),
    request_body = CommandBody,
    responses((status = 200, body = CaseDetailView), (status = "4XX", body = Problem)))]
pub async fn act_determination(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(number): Path<String>,
    ApiJson(body): ApiJson<CommandBody>,
) -> ApiResult<Response> {
    act(state, user, number, body, false).await
}

/// A command to the work-capacity appraisal of a recognised case (agency
/// clerks): `apply`, `extend`, `conclude`, `receive`, `apply_reappraisal`,
/// `apply_review`.
#[utoipa::path(post, path = "/cases/{number}/appraisal", tag = "cases",
    params(("number" = String, Path, description = "the case number")),
    request_body = CommandBody,
    responses((status = 200, body = CaseDetailView), (status = "4XX", body = Problem)))]
pub async fn act_appraisal(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(number): Path<String>,
    ApiJson(body): ApiJson<CommandBody>,
) -> ApiResult<Response> {
    act(state, user, number, body, true).await
}

/// The appraisal conclusions of a case, oldest first.
#[utoipa::path(get, path = "/cases/{number}/appraisal", tag = "cases",
    params(("number" = String, Path, description = "the case number")),
    responses((status = 200, body = Vec<ConclusionView>), (status = "4XX", body = Problem)))]
pub async fn appraisal_history(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(number): Path<String>,
) -> ApiResult<Response> {
    let actor = user.actor();
    let history = state
        .run(move |app| app.appraisal_history(&actor, &number))
        .await?;
    let views: Vec<ConclusionView> = history.iter().map(ConclusionView::from).collect();
    Ok(json(StatusCode::OK, &views))
}

/// Open cases with a running deadline, the overdue first, then by days left
/// (agency staff).
#[utoipa::path(get, path = "/work-queue", tag = "cases", params(QueueQuery),
    responses((status = 200, body = Vec<QueueItemView>), (status = "4XX", body = Problem)))]
pub async fn work_queue(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiQuery(q): ApiQuery<QueueQuery>,
) -> ApiResult<Response> {
    let limit = q.limit.unwrap_or(100);
    if !(1..=1000).contains(&limit) {
        return Err(ApiError::new(
            "malformed_query",
            format!("limit {limit}; expected 1 to 1000"),
        )
        .with_field("limit"));
    }
    let actor = user.actor();
    let queue = state.run(move |app| app.work_queue(&actor, limit)).await?;
    let views: Vec<QueueItemView> = queue
        .iter()
        .map(|q| QueueItemView {
            number: q.number.clone(),
            state: q.state.as_str().to_owned(),
            scheme_id: q.scheme_id.to_string(),
            deadline: DeadlineView::from(&q.deadline),
            days_left: q.days_left,
            overdue: q.overdue,
            provisional: q.provisional,
        })
        .collect();
    Ok(json(StatusCode::OK, &views))
}

/// Compute the award of a recognised case with the rules engine under its
/// scheme and jurisdiction (agency clerks): stored as proposed, with its
/// trace and the difference from the approved award.
#[utoipa::path(post, path = "/cases/{number}/awards", tag = "cases",
    params(("number" = String, Path, description = "the case number")),
    request_body = AwardBody,
    responses((status = 201, body = AwardDetailView), (status = "4XX", body = Problem)))]
pub async fn compute_award(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(number): Path<String>,
    ApiJson(body): ApiJson<AwardBody>,
) -> ApiResult<Response> {
    let req = award_request(body)?;
    let maker = user.actor();
    let view = state
        .run(move |app| app.compute_award(&maker, &number, &req))
        .await?;
    Ok(json_sized(
        StatusCode::CREATED,
        &AwardDetailView::from(&view),
        8192,
    ))
}

/// The app's award request from the body.
pub(super) fn award_request(body: AwardBody) -> ApiResult<AwardRequest> {
    Ok(AwardRequest {
        facts: body.facts,
        basis: match body.basis.as_deref() {
            Some(b) => b
                .trim()
                .parse()
                .map_err(|e: gongshang_domain::DomainError| {
                    ApiError::invalid("basis", e.to_string())
                })?,
            None => gongshang_domain::case::AwardBasis::Initial,
        },
        dependant_birth_dates: body
            .dependant_birth_dates
            .iter()
            .map(|d| {
                d.as_deref()
                    .map(|d| parse_date("dependant_birth_dates", d))
                    .transpose()
            })
            .collect::<ApiResult<_>>()?,
        replaces: body.replaces,
    })
}

/// The awards of a case, oldest first (without their traces).
#[utoipa::path(get, path = "/cases/{number}/awards", tag = "cases",
    params(("number" = String, Path, description = "the case number")),
    responses((status = 200, body = Vec<AwardSummaryView>), (status = "4XX", body = Problem)))]
pub async fn list_awards(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(number): Path<String>,
) -> ApiResult<Response> {
    let actor = user.actor();
    let awards = state
        .run(move |app| app.awards_of_case(&actor, &number))
        .await?;
    let views: Vec<AwardSummaryView> = awards.iter().map(AwardSummaryView::from).collect();
    Ok(json(StatusCode::OK, &views))
}

/// An award: its items with their payers, its trace, the difference from the
/// award it replaces, the case's benefits and payments.
#[utoipa::path(get, path = "/awards/{id}", tag = "cases",
    params(("id" = i64, Path, description = "the award's id")),
    responses((status = 200, body = AwardDetailView), (status = "4XX", body = Problem)))]
pub async fn get_award(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> ApiResult<Response> {
    let actor = user.actor();
    let view = state.run(move |app| app.award_view(&actor, id)).await?;
    Ok(json_sized(
        StatusCode::OK,
        &AwardDetailView::from(&view),
        8192,
    ))
}

/// Approve a proposed award (reviewers): a second person, never its maker
/// (409 `maker_checker`). The fund's one-time items are posted as owed and
/// the monthly items become benefits on the payroll.
#[utoipa::path(post, path = "/awards/{id}/approve", tag = "cases",
    params(("id" = i64, Path, description = "the award's id")),
    responses((status = 200, body = AwardDetailView), (status = "4XX", body = Problem)))]
pub async fn approve_award(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> ApiResult<Response> {
    let checker = user.actor();
    let view = state
        .run(move |app| app.approve_award(&checker, id))
        .await?;
    Ok(json_sized(
        StatusCode::OK,
        &AwardDetailView::from(&view),
        8192,
    ))
}

/// Pay the fund's one-time items of the case's approved award that are not
/// paid yet (agency clerks). Requires `Idempotency-Key`; each item is paid
/// once whatever the key: paying again pays nothing.
#[utoipa::path(post, path = "/cases/{number}/one-time-payments", tag = "cases",
    params(("number" = String, Path, description = "the case number"),
        ("Idempotency-Key" = String, Header, description = "1 to 60 visible ASCII characters; the same key and body answer the same")),
    request_body = PayOneTimeBody,
    responses((status = 200, body = OneTimePayoutView), (status = "4XX", body = Problem)))]
pub async fn pay_one_time(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(number): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let req: PayOneTimeBody = match parse_body(&headers, &body) {
        Ok(r) => r,
        Err(e) => return e.into_response(),
    };
    let st = state.clone();
    let actor = user.actor();
    // The key's request is the case and the body: the same key and body
    // for another case is a mismatch, never the first case's answer.
    let keyed = Bytes::from(format!("{number}\n{}", String::from_utf8_lossy(&body)));
    idempotent(
        &state,
        &user,
        &headers,
        &keyed,
        true,
        move |_key| async move {
            let paid_on = parse_date("paid_on", &req.paid_on)?;
            let payout = st
                .run(move |app| app.pay_one_time(&actor, &number, paid_on))
                .await?;
            let view = OneTimePayoutView {
                paid: payout
                    .paid
                    .iter()
                    .map(|p| OneTimePaidView {
                        item: wire(&p.item),
                        beneficiary: p.beneficiary.clone(),
                        amount: p.amount.to_string(),
                        already_paid: p.already_paid,
                    })
                    .collect(),
                to_recover: payout
                    .to_recover
                    .iter()
                    .map(|(i, b, m)| (wire(i), b.clone(), m.to_string()))
                    .collect(),
            };
            Ok((StatusCode::OK, to_value(&view)?))
        },
    )
    .await
}

/// Run the payroll of a month (agency clerks): every running, unsuspended
/// fund benefit not yet paid for the month, posted to the ledger. Requires
/// `Idempotency-Key`; running the month again (under any key) pays nothing.
#[utoipa::path(post, path = "/payroll/runs", tag = "payroll", request_body = PayrollRunBody,
    params(("Idempotency-Key" = String, Header, description = "1 to 60 visible ASCII characters; the same key and body answer the same")),
    responses((status = 201, body = PayrollRunView), (status = "4XX", body = Problem)))]
pub async fn run_payroll(
    State(state): State<AppState>,
    user: CurrentUser,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let req: PayrollRunBody = match parse_body(&headers, &body) {
        Ok(r) => r,
        Err(e) => return e.into_response(),
    };
    let st = state.clone();
    let actor = user.actor();
    idempotent(
        &state,
        &user,
        &headers,
        &body,
        true,
        move |_key| async move {
            let month = parse_month("month", &req.month)?;
            let run = st.run(move |app| app.run_payroll(&actor, month)).await?;
            Ok((StatusCode::CREATED, to_value(&PayrollRunView::from(&run))?))
        },
    )
    .await
}

/// The payroll runs of a month (agency staff and analysts: totals only).
#[utoipa::path(get, path = "/payroll/runs", tag = "payroll", params(MonthQuery),
    responses((status = 200, body = Vec<PayrollRunView>), (status = "4XX", body = Problem)))]
pub async fn list_payroll_runs(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiQuery(q): ApiQuery<MonthQuery>,
) -> ApiResult<Response> {
    let month = parse_month("month", &q.month)?;
    let actor = user.actor();
    let runs = state
        .run(move |app| app.payroll_runs(&actor, month))
        .await?;
    let views: Vec<PayrollRunView> = runs.iter().map(PayrollRunView::from).collect();
    Ok(json(StatusCode::OK, &views))
}

#[derive(Clone, Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct NoticeQuery {
    /// `html` (default) or `pdf`.
    pub format: Option<String>,
}

/// A notice of the case in Chinese, as a printable HTML page or an A4 PDF:
/// `decision` (认定工伤决定书 / 不予认定工伤决定书, once decided),
/// `inadmissible` (不予受理通知书, once rejected), `materials` (补正材料通知书,
/// once requested) or `award` (工伤保险待遇核定表, once an award is approved);
/// another is a 409 `conflict` naming the case's state. Scoped as the case.
#[utoipa::path(get, path = "/cases/{number}/notices/{kind}", tag = "cases",
    params(("number" = String, Path, description = "the case number"),
        ("kind" = String, Path, description = "decision, inadmissible, materials or award"),
        NoticeQuery),
    responses(
        (status = 200, description = "the notice", content(
            (String = "text/html"),
            (Vec<u8> = "application/pdf"))),
        (status = "4XX", body = Problem)))]
pub async fn case_notice(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((number, kind)): Path<(String, String)>,
    ApiQuery(q): ApiQuery<NoticeQuery>,
) -> ApiResult<Response> {
    let format =
        gongshang_app::notices::NoticeFormat::parse(q.format.as_deref().unwrap_or("html"))?;
    let actor = user.actor();
    let notice = state
        .run(move |app| app.render_case_notice(&actor, &number, &kind, format))
        .await?;
    // Only ASCII in the header: a case number may be written in Chinese.
    let file_name: String = notice
        .file_name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || ".-_".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect();
    let disposition = format!("inline; filename=\"{file_name}\"");
    Ok((
        StatusCode::OK,
        [
            (
                axum::http::header::CONTENT_TYPE,
                notice.content_type.to_owned(),
            ),
            (axum::http::header::CONTENT_DISPOSITION, disposition),
        ],
        notice.body,
    )
        .into_response())
}

// ---- appraisal fees (Regulations Art 12) -------------------------------------------

#[derive(Clone, Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AppraisalFeeBody {
    /// The appraisal: its conclusion's number on the case (1: the first).
    pub appraisal: Option<i64>,
    /// Yuan, e.g. `"350.00"`.
    pub amount: Option<String>,
    /// `fund` (Regulations Art 12: posted to the fund's ledger), `unit` or
    /// `worker`.
    pub payer: Option<String>,
    /// YYYY-MM-DD.
    pub paid_on: Option<String>,
}

#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct AppraisalFeeApiView {
    pub case_number: String,
    pub appraisal: i64,
    /// `initial`, `reappraisal` or `review`.
    pub appraisal_kind: String,
    /// Yuan.
    pub amount: String,
    /// `fund`, `unit` or `worker`.
    pub payer: String,
    pub paid_on: String,
    /// The ledger transaction of a fee the fund paid.
    pub ledger_key: Option<String>,
    /// Why the fund paid it.
    pub article: Option<String>,
    pub recorded_by: String,
    /// False: the same fee had been recorded before; nothing changed.
    pub recorded_now: bool,
}

impl From<&gongshang_app::cases::AppraisalFeeView> for AppraisalFeeApiView {
    fn from(v: &gongshang_app::cases::AppraisalFeeView) -> Self {
        AppraisalFeeApiView {
            case_number: v.case_number.clone(),
            appraisal: v.fee.conclusion_number,
            appraisal_kind: v.appraisal_kind.clone(),
            amount: v.fee.amount.to_string(),
            payer: v.fee.payer.as_str().to_owned(),
            paid_on: v.fee.paid_on.to_string(),
            ledger_key: v.fee.ledger_key.clone(),
            article: v.article.map(str::to_owned),
            recorded_by: v.fee.recorded_by.clone(),
            recorded_now: v.fee.recorded_now,
        }
    }
}

/// Record the fee of one of the case's work-capacity appraisals and who
/// paid it (agency clerks). A fee the fund paid (Regulations Art 12) is
/// posted to the ledger and shows in the fund's statement as its own
/// expenditure line. Requires `Idempotency-Key`; the same fee again
/// changes nothing, another fee for the same appraisal is a conflict.
#[utoipa::path(post, path = "/cases/{number}/appraisal-fees", tag = "cases",
    params(("number" = String, Path, description = "the case number"),
        ("Idempotency-Key" = String, Header, description = "1 to 60 visible ASCII characters; the same key and body answer the same")),
    request_body = AppraisalFeeBody,
    responses((status = 201, body = AppraisalFeeApiView), (status = "4XX", body = Problem)))]
pub async fn record_appraisal_fee(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(number): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let req: AppraisalFeeBody = match parse_body(&headers, &body) {
        Ok(r) => r,
        Err(e) => return e.into_response(),
    };
    let st = state.clone();
    let actor = user.actor();
    let keyed = Bytes::from(format!("{number}\n{}", String::from_utf8_lossy(&body)));
    idempotent(
        &state,
        &user,
        &headers,
        &keyed,
        true,
        move |_key| async move {
            let input = gongshang_app::cases::AppraisalFeeInput {
                appraisal: req.appraisal,
                amount: req
                    .amount
                    .as_deref()
                    .map(|a| super::bills::parse_yuan("fee_amount", a))
                    .transpose()?,
                payer: req
                    .payer
                    .as_deref()
                    .map(|p| {
                        gongshang_app::cases::AppraisalFeePayer::parse(p).ok_or_else(|| {
                            ApiError::invalid(
                                "fee_payer",
                                format!("{p:?}: one of fund, unit, worker"),
                            )
                        })
                    })
                    .transpose()?,
                paid_on: req
                    .paid_on
                    .as_deref()
                    .map(|d| parse_date("fee_paid_on", d))
                    .transpose()?,
            };
            let view = st
                .run(move |app| app.record_appraisal_fee(&actor, &number, &input))
                .await?;
            let status = if view.fee.recorded_now {
                StatusCode::CREATED
            } else {
                StatusCode::OK
            };
            Ok((status, to_value(&AppraisalFeeApiView::from(&view))?))
        },
    )
    .await
}

/// The appraisal fees of a case (agency staff).
#[utoipa::path(get, path = "/cases/{number}/appraisal-fees", tag = "cases",
    params(("number" = String, Path, description = "the case number")),
    responses((status = 200, body = Vec<AppraisalFeeApiView>), (status = "4XX", body = Problem)))]
pub async fn appraisal_fees(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(number): Path<String>,
) -> ApiResult<Response> {
    let actor = user.actor();
    let fees = state
        .run(move |app| app.appraisal_fees(&actor, &number))
        .await?;
    let views: Vec<AppraisalFeeApiView> = fees.iter().map(AppraisalFeeApiView::from).collect();
    Ok(json(StatusCode::OK, &views))
}
