//! The rights-protection service centre (诉求): the public QR form and the
//! follow-up by number and lookup code (no login), the service points, and
//! for the signed-in the tickets in their scope, the commands on them, the
//! escalation run and the dashboard.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use gongshang_app::model::SubjectKind;
use gongshang_app::tickets::{
    EscalationRun, FiledTicket, TicketAction, TicketDashboard, TicketInput, TicketView,
};
use gongshang_domain::ticket::{
    Confirmation, ReferralReport, Satisfaction, ServicePoint, SessionChannel, SessionOutcome,
};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::registry::parse_date;
use super::{ApiJson, ApiQuery, json, json_sized};
use crate::AppState;
use crate::auth::CurrentUser;
use crate::error::{ApiError, ApiResult, Problem};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(submit_public))
        .routes(routes!(follow_public))
        .routes(routes!(service_points))
        .routes(routes!(list_tickets, file_ticket))
        .routes(routes!(get_ticket))
        .routes(routes!(act_on_ticket))
        .routes(routes!(escalate))
        .routes(routes!(dashboard))
        .routes(routes!(dispute_case))
        .routes(routes!(ticket_paper))
}

/// A ticket as people write it.
#[derive(Clone, Debug, Default, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TicketRequest {
    /// consultation, complaint, injury_decision_dispute, share_dispute,
    /// over_age_dispute or platform_worker_dispute.
    pub category: String,
    /// What happened and what is asked, in the person's words.
    pub summary: String,
    pub complainant_name: String,
    #[serde(default)]
    pub complainant_phone: Option<String>,
    /// The complainant's identity number, if given.
    #[serde(default)]
    pub resident_id: Option<String>,
    /// The other party's credit code (an employer or a platform).
    #[serde(default)]
    pub unit: Option<String>,
    /// The platform's name as workers know it.
    #[serde(default)]
    pub platform: Option<String>,
    #[serde(default)]
    pub district: Option<String>,
    #[serde(default)]
    pub industry: Option<String>,
    /// A case number the ticket is about (signed-in only; at most one of
    /// case_number, bill, enrollment).
    #[serde(default)]
    pub case_number: Option<String>,
    /// A bill's reference the ticket is about (signed-in only).
    #[serde(default)]
    pub bill: Option<String>,
    /// An enrolment's number the ticket is about (signed-in only).
    #[serde(default)]
    pub enrollment: Option<String>,
    /// Hide the complainant from the other party until they agree.
    #[serde(default)]
    pub sensitive: bool,
    /// Staff only: window (default) or phone.
    #[serde(default)]
    pub channel: Option<String>,
}

impl From<TicketRequest> for TicketInput {
    fn from(r: TicketRequest) -> Self {
        TicketInput {
            channel: r.channel,
            category: r.category,
            summary: r.summary,
            complainant_name: r.complainant_name,
            complainant_phone: r.complainant_phone,
            resident_id: r.resident_id,
            unit: r.unit,
            platform: r.platform,
            district: r.district,
            industry: r.industry,
            case_number: r.case_number,
            bill: r.bill,
            enrollment: r.enrollment,
            sensitive: r.sensitive,
        }
    }
}

#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct TicketDeadlineView {
    /// acceptance, mediation, referral_acceptance, referral_decision or
    /// review_request.
    pub deadline: String,
    pub name_zh: String,
    pub from: String,
    pub due: String,
    pub working_days: bool,
    pub days: i64,
    pub extended_days: i64,
    pub provisional: bool,
    pub citation: String,
}

#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct MediationSessionView {
    pub mediator: String,
    pub held_on: String,
    pub channel: String,
    pub outcome: String,
}

#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct ReferralView {
    pub body: String,
    pub body_kind: String,
    pub referred_on: String,
    pub appointment_on: String,
    /// referred, accepted, declined or concluded.
    pub status: String,
    pub accepted_on: Option<String>,
    pub outcome: Option<String>,
    /// dispute (referred to the body) or review (the mediation agreement
    /// sent for arbitration review or court confirmation).
    pub purpose: String,
    /// A review's answer: the agreement confirmed or not.
    pub confirmed: Option<bool>,
}

#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct HistoryLineView {
    pub seq: i64,
    pub date: String,
    pub event: String,
    /// Empty when hidden from the reader.
    pub actor: String,
}

#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct TicketResponse {
    pub number: String,
    /// received, triaged, in_mediation, referred, settled, closed, reopened.
    pub state: String,
    pub state_zh: String,
    pub channel: String,
    pub category: String,
    pub category_zh: String,
    pub category_en: String,
    /// front, middle or back.
    pub tier: String,
    pub priority: u8,
    pub complainant_name: String,
    pub complainant_hidden: bool,
    pub complainant_phone: Option<String>,
    /// Masked.
    pub person: Option<String>,
    pub other_party: Option<String>,
    pub platform: Option<String>,
    pub district: Option<String>,
    pub industry: Option<String>,
    pub case_number: Option<String>,
    /// case, bill or enrollment: what the ticket is about.
    pub subject_kind: Option<String>,
    /// The case number, bill reference or enrolment number.
    pub subject: Option<String>,
    pub summary: String,
    pub sensitive: bool,
    /// near or overdue, when the running deadline was escalated.
    pub escalation: Option<String>,
    pub referred_body: Option<String>,
    pub satisfaction: Option<String>,
    pub filed_on: String,
    pub closed_on: Option<String>,
    pub deadlines: Vec<TicketDeadlineView>,
    pub sessions: Vec<MediationSessionView>,
    pub referrals: Vec<ReferralView>,
    pub history: Vec<HistoryLineView>,
    pub agreement: Option<String>,
    /// none, arbitration_review or court_confirmation.
    pub agreement_confirmation: Option<String>,
    pub resolution: Option<String>,
    pub reopen_until: Option<String>,
}

impl From<&TicketView> for TicketResponse {
    fn from(v: &TicketView) -> Self {
        let r = &v.row;
        TicketResponse {
            number: r.number.clone(),
            state: r.state.as_str().to_owned(),
            state_zh: r.state.name_zh().to_owned(),
            channel: r.channel.as_str().to_owned(),
            category: r.category.clone(),
            category_zh: v.category_name_zh.clone(),
            category_en: v.category_name_en.clone(),
            tier: r.tier.as_str().to_owned(),
            priority: r.priority,
            complainant_name: r.complainant_name.clone(),
            complainant_hidden: v.complainant_hidden,
            complainant_phone: r.complainant_phone.clone(),
            person: r.person.map(|p| p.masked()),
            other_party: r.unit.map(|u| u.as_str().to_owned()),
            platform: r.platform.clone(),
            district: r.district.clone(),
            industry: r.industry.clone(),
            case_number: r
                .subject
                .as_ref()
                .filter(|(k, _)| *k == SubjectKind::Case)
                .map(|(_, n)| n.clone()),
            subject_kind: r.subject.as_ref().map(|(k, _)| k.as_str().to_owned()),
            subject: r.subject.as_ref().map(|(_, n)| n.clone()),
            summary: r.summary.clone(),
            sensitive: r.sensitive,
            escalation: r.escalation.map(|e| e.as_str().to_owned()),
            referred_body: r.referred_body.clone(),
            satisfaction: r.satisfaction.map(|s| s.as_str().to_owned()),
            filed_on: r.filed_on.to_string(),
            closed_on: r.closed_on.map(|d| d.to_string()),
            deadlines: v
                .deadlines
                .iter()
                .map(|d| TicketDeadlineView {
                    deadline: d.kind.as_str().to_owned(),
                    name_zh: d.kind.name_zh().to_owned(),
                    from: d.from.to_string(),
                    due: d.due.to_string(),
                    working_days: d.working_days,
                    days: d.days,
                    extended_days: d.extended_days,
                    provisional: d.provisional,
                    citation: d.citation.clone(),
                })
                .collect(),
            sessions: v
                .sessions
                .iter()
                .map(|s| MediationSessionView {
                    mediator: s.mediator.clone(),
                    held_on: s.held_on.to_string(),
                    channel: s.channel.as_str().to_owned(),
                    outcome: s.outcome.as_str().to_owned(),
                })
                .collect(),
            referrals: v
                .referrals
                .iter()
                .map(|x| ReferralView {
                    body: x.body.clone(),
                    body_kind: x.body_kind.clone(),
                    referred_on: x.referred_on.to_string(),
                    appointment_on: x.appointment_on.to_string(),
                    status: x.status.as_str().to_owned(),
                    accepted_on: x.accepted_on.map(|d| d.to_string()),
                    outcome: x.outcome.clone(),
                    purpose: x.purpose.as_str().to_owned(),
                    confirmed: x.confirmed,
                })
                .collect(),
            history: v
                .history
                .iter()
                .map(|h| HistoryLineView {
                    seq: h.seq,
                    date: h.on.to_string(),
                    event: h.kind.clone(),
                    actor: h.actor.clone(),
                })
                .collect(),
            agreement: v.agreement.as_ref().map(|(_, a, _)| a.clone()),
            agreement_confirmation: v.agreement.as_ref().map(|(_, _, c)| c.as_str().to_owned()),
            resolution: v.resolution.clone(),
            reopen_until: v.reopen_until.map(|d| d.to_string()),
        }
    }
}

#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct FiledTicketResponse {
    pub number: String,
    /// Shown once: with the number, it follows the ticket without a login.
    pub lookup_code: String,
    pub ticket: TicketResponse,
}

impl From<&FiledTicket> for FiledTicketResponse {
    fn from(f: &FiledTicket) -> Self {
        FiledTicketResponse {
            number: f.number.clone(),
            lookup_code: f.lookup_code.clone(),
            ticket: TicketResponse::from(&f.ticket),
        }
    }
}

#[derive(Clone, Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FollowRequest {
    pub number: String,
    pub lookup_code: String,
}

/// File a ticket by the QR code's form: no login. The answer's number and
/// lookup code follow it.
#[utoipa::path(post, path = "/public/tickets", tag = "tickets", request_body = TicketRequest,
    security(()),
    responses((status = 201, body = FiledTicketResponse), (status = "4XX", body = Problem,
        description = "refused; 429 `too_many_attempts` with Retry-After when one address files too many")))]
pub async fn submit_public(
    State(state): State<AppState>,
    client: crate::auth::ClientAddr,
    ApiJson(req): ApiJson<TicketRequest>,
) -> ApiResult<Response> {
    state
        .filings
        .begin(client.0, state.app.now())
        .map_err(crate::error::ApiError::too_many_filings)?;
    let input = TicketInput::from(req);
    let filed = state.run(move |app| app.submit_qr_ticket(&input)).await?;
    Ok(json_sized(
        StatusCode::CREATED,
        &FiledTicketResponse::from(&filed),
        4096,
    ))
}

/// Follow a ticket by its number and lookup code: no login. A wrong code
/// is answered as an unknown number.
#[utoipa::path(post, path = "/public/tickets/lookup", tag = "tickets", request_body = FollowRequest,
    security(()),
    responses((status = 200, body = TicketResponse), (status = "4XX", body = Problem)))]
pub async fn follow_public(
    State(state): State<AppState>,
    ApiJson(req): ApiJson<FollowRequest>,
) -> ApiResult<Response> {
    let view = state
        .run(move |app| app.follow_ticket(&req.number, &req.lookup_code))
        .await?;
    Ok(json_sized(
        StatusCode::OK,
        &TicketResponse::from(&view),
        4096,
    ))
}

#[derive(Clone, Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct DistrictQuery {
    /// A district (思明区, 湖里区, ...); every district when absent.
    pub district: Option<String>,
}

#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct ServicePointView {
    pub key: String,
    /// centre_window, union_station, legal_aid_station, yilubao_point,
    /// rest_stop.
    pub point_type: String,
    pub name_zh: String,
    pub name_en: String,
    pub district: String,
    pub address: String,
    pub hours: String,
    /// confirmed, assumed or illustrative.
    pub status: String,
    pub note: String,
}

impl From<&ServicePoint> for ServicePointView {
    fn from(p: &ServicePoint) -> Self {
        ServicePointView {
            key: p.key.clone(),
            point_type: serde_json::to_value(p.kind)
                .ok()
                .and_then(|v| v.as_str().map(str::to_owned))
                .unwrap_or_default(),
            name_zh: p.name_zh.clone(),
            name_en: p.name_en.clone(),
            district: p.district.clone(),
            address: p.address.clone(),
            hours: p.hours.clone(),
            status: serde_json::to_value(p.status)
                .ok()
                .and_then(|v| v.as_str().map(str::to_owned))
                .unwrap_or_default(),
            note: p.note.clone(),
        }
    }
}

/// The service points (windows, union and legal-aid stations, 益鹭保 points,
/// 爱心驿站) of a district: no login.
#[utoipa::path(get, path = "/public/service-points", tag = "tickets", params(DistrictQuery),
    security(()),
    responses((status = 200, body = Vec<ServicePointView>), (status = "4XX", body = Problem)))]
pub async fn service_points(
    State(state): State<AppState>,
    ApiQuery(q): ApiQuery<DistrictQuery>,
) -> ApiResult<Response> {
    let points = state
        .run_read(move |app| app.service_points(q.district.as_deref()))
        .await;
    let views: Vec<ServicePointView> = points.iter().map(ServicePointView::from).collect();
    Ok(json(StatusCode::OK, &views))
}

#[derive(Clone, Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct TicketListQuery {
    /// Only open tickets (default true).
    pub open: Option<bool>,
    /// 1 to 1000 (default 200).
    pub limit: Option<u32>,
    /// With `subject`: the tickets about a case, a bill or an enrolment
    /// (open and closed): case, bill or enrollment.
    pub subject_kind: Option<String>,
    /// The case number, bill reference or enrolment number.
    pub subject: Option<String>,
}

#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct TicketLine {
    pub number: String,
    pub state: String,
    pub channel: String,
    pub category: String,
    pub priority: u8,
    pub complainant_name: String,
    pub district: Option<String>,
    pub platform: Option<String>,
    pub escalation: Option<String>,
    pub referred_body: Option<String>,
    pub deadline: Option<String>,
    pub due: Option<String>,
    pub filed_on: String,
}

/// The tickets in the caller's scope (staff: all; a partner body: those
/// referred to it; a worker or unit: their own), the earliest due first.
#[utoipa::path(get, path = "/tickets", tag = "tickets", params(TicketListQuery),
    responses((status = 200, body = Vec<TicketLine>), (status = "4XX", body = Problem)))]
pub async fn list_tickets(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiQuery(q): ApiQuery<TicketListQuery>,
) -> ApiResult<Response> {
    let limit = q.limit.unwrap_or(200);
    if !(1..=1000).contains(&limit) {
        return Err(ApiError::from(gongshang_app::AppError::invalid(
            "limit",
            format!("{limit}; allowed: 1 to 1000"),
        )));
    }
    let about = match (q.subject_kind.as_deref(), q.subject.clone()) {
        (None, None) => None,
        (Some(kind), Some(key)) => Some((
            SubjectKind::parse(kind.trim()).map_err(|reason| {
                ApiError::from(gongshang_app::AppError::invalid("subject_kind", reason))
            })?,
            key.trim().to_owned(),
        )),
        _ => {
            return Err(ApiError::from(gongshang_app::AppError::invalid(
                "subject",
                "subject_kind and subject go together",
            )));
        }
    };
    let actor = user.actor();
    let rows = state
        .run(move |app| match about {
            Some((kind, key)) => app.tickets_about(&actor, kind, &[key]),
            None => app.ticket_list(&actor, q.open.unwrap_or(true), limit),
        })
        .await?;
    let lines: Vec<TicketLine> = rows
        .iter()
        .map(|r| TicketLine {
            number: r.number.clone(),
            state: r.state.as_str().to_owned(),
            channel: r.channel.as_str().to_owned(),
            category: r.category.clone(),
            priority: r.priority,
            complainant_name: r.complainant_name.clone(),
            district: r.district.clone(),
            platform: r.platform.clone(),
            escalation: r.escalation.map(|e| e.as_str().to_owned()),
            referred_body: r.referred_body.clone(),
            deadline: r.deadline.as_ref().map(|d| d.kind.as_str().to_owned()),
            due: r.deadline.as_ref().map(|d| d.due.to_string()),
            filed_on: r.filed_on.to_string(),
        })
        .collect();
    Ok(json_sized(StatusCode::OK, &lines, 4096))
}

/// File a ticket: staff at the window or on the phone for a caller, a
/// worker or a unit from its own page.
#[utoipa::path(post, path = "/tickets", tag = "tickets", request_body = TicketRequest,
    responses((status = 201, body = FiledTicketResponse), (status = "4XX", body = Problem)))]
pub async fn file_ticket(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiJson(req): ApiJson<TicketRequest>,
) -> ApiResult<Response> {
    let actor = user.actor();
    let input = TicketInput::from(req);
    let filed = state
        .run(move |app| app.file_ticket(&actor, &input))
        .await?;
    Ok(json_sized(
        StatusCode::CREATED,
        &FiledTicketResponse::from(&filed),
        4096,
    ))
}

/// A ticket in the caller's scope, with its deadlines, sessions, referrals
/// and history.
#[utoipa::path(get, path = "/tickets/{number}", tag = "tickets",
    params(("number" = String, Path, description = "the ticket number")),
    responses((status = 200, body = TicketResponse), (status = "4XX", body = Problem)))]
pub async fn get_ticket(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(number): Path<String>,
) -> ApiResult<Response> {
    let actor = user.actor();
    let view = state.run(move |app| app.ticket(&actor, &number)).await?;
    Ok(json_sized(
        StatusCode::OK,
        &TicketResponse::from(&view),
        4096,
    ))
}

/// A command on a ticket.
#[derive(Clone, Debug, Deserialize, Serialize, ToSchema)]
#[serde(tag = "command", rename_all = "snake_case", deny_unknown_fields)]
pub enum TicketCommandRequest {
    /// Accept at the front desk, in a category.
    Triage {
        category: String,
        #[serde(default)]
        note: String,
    },
    /// A mediation session (its day: today when absent).
    RecordSession {
        #[serde(default)]
        held_on: Option<String>,
        /// in_person, phone or online.
        channel: String,
        /// continued, agreed, failed or no_show.
        outcome: String,
        #[serde(default)]
        note: String,
    },
    ExtendMediation {
        days: i64,
        reason: String,
    },
    /// Refer by appointment to a named body (xm-arbitration, ...).
    Refer {
        body: String,
        appointment_on: String,
        #[serde(default)]
        note: String,
    },
    /// Send the mediation agreement, as the parties want, for arbitration
    /// review (a labour arbitration body, within 15 days of the agreement:
    /// Order 17 Art 29) or court confirmation (a court).
    RequestReview {
        body: String,
        appointment_on: String,
        #[serde(default)]
        note: String,
    },
    /// The body's report: accepted, declined (with a reason), extended (by
    /// days) or concluded (with the outcome); on an agreement sent for
    /// review: confirmed or not_confirmed (with the outcome).
    ReportReferral {
        status: String,
        #[serde(default)]
        reason: Option<String>,
        #[serde(default)]
        days: Option<i64>,
        #[serde(default)]
        outcome: Option<String>,
    },
    /// A mediation agreement; confirmation: none, arbitration_review or
    /// court_confirmation.
    Settle {
        agreement: String,
        confirmation: String,
    },
    /// Close with the resolution and the satisfaction rating
    /// (very_satisfied ... very_dissatisfied, no_answer).
    Close {
        resolution: String,
        satisfaction: String,
    },
    Reopen {
        reason: String,
    },
    /// The worker agrees that the other party sees who complained.
    ConsentToDisclosure,
}

fn parsed<T: std::str::FromStr<Err = gongshang_domain::DomainError>>(text: &str) -> ApiResult<T> {
    text.trim()
        .parse::<T>()
        .map_err(|e| ApiError::from(gongshang_app::AppError::Domain(e)))
}

impl TryFrom<TicketCommandRequest> for TicketAction {
    type Error = ApiError;

    fn try_from(r: TicketCommandRequest) -> ApiResult<TicketAction> {
        Ok(match r {
            TicketCommandRequest::Triage { category, note } => {
                TicketAction::Triage { category, note }
            }
            TicketCommandRequest::RecordSession {
                held_on,
                channel,
                outcome,
                note,
            } => TicketAction::RecordSession {
                held_on: held_on
                    .as_deref()
                    .map(|d| parse_date("held_on", d))
                    .transpose()?,
                channel: parsed::<SessionChannel>(&channel)?,
                outcome: parsed::<SessionOutcome>(&outcome)?,
                note,
            },
            TicketCommandRequest::ExtendMediation { days, reason } => {
                TicketAction::ExtendMediation { days, reason }
            }
            TicketCommandRequest::Refer {
                body,
                appointment_on,
                note,
            } => TicketAction::Refer {
                body,
                appointment_on: parse_date("appointment_on", &appointment_on)?,
                note,
            },
            TicketCommandRequest::ReportReferral {
                status,
                reason,
                days,
                outcome,
            } => TicketAction::ReportReferral(match status.as_str() {
                "accepted" => ReferralReport::Accepted,
                "declined" => ReferralReport::Declined {
                    reason: reason.unwrap_or_default(),
                },
                "extended" => ReferralReport::Extended {
                    days: days.unwrap_or(0),
                },
                "concluded" => ReferralReport::Concluded {
                    outcome: outcome.unwrap_or_default(),
                },
                "confirmed" => ReferralReport::Reviewed {
                    confirmed: true,
                    note: outcome.unwrap_or_default(),
                },
                "not_confirmed" => ReferralReport::Reviewed {
                    confirmed: false,
                    note: outcome.unwrap_or_default(),
                },
                other => {
                    return Err(ApiError::from(gongshang_app::AppError::invalid(
                        "status",
                        format!(
                            "{other:?}; allowed: accepted, declined, extended, concluded, confirmed, not_confirmed"
                        ),
                    )));
                }
            }),
            TicketCommandRequest::RequestReview {
                body,
                appointment_on,
                note,
            } => TicketAction::RequestReview {
                body,
                appointment_on: parse_date("appointment_on", &appointment_on)?,
                note,
            },
            TicketCommandRequest::Settle {
                agreement,
                confirmation,
            } => TicketAction::Settle {
                agreement,
                confirmation: parsed::<Confirmation>(&confirmation)?,
            },
            TicketCommandRequest::Close {
                resolution,
                satisfaction,
            } => TicketAction::Close {
                resolution,
                satisfaction: parsed::<Satisfaction>(&satisfaction)?,
            },
            TicketCommandRequest::Reopen { reason } => TicketAction::Reopen { reason },
            TicketCommandRequest::ConsentToDisclosure => TicketAction::ConsentToDisclosure,
        })
    }
}

/// Give a command on a ticket (who may: the one permission table; a
/// partner body only on a ticket referred to it now).
#[utoipa::path(post, path = "/tickets/{number}/commands", tag = "tickets",
    params(("number" = String, Path, description = "the ticket number")),
    request_body = TicketCommandRequest,
    responses((status = 200, body = TicketResponse), (status = "4XX", body = Problem)))]
pub async fn act_on_ticket(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(number): Path<String>,
    ApiJson(req): ApiJson<TicketCommandRequest>,
) -> ApiResult<Response> {
    let action = TicketAction::try_from(req)?;
    let actor = user.actor();
    let view = state
        .run(move |app| app.act_on_ticket(&actor, &number, action))
        .await?;
    Ok(json_sized(
        StatusCode::OK,
        &TicketResponse::from(&view),
        4096,
    ))
}

#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct EscalationLine {
    pub number: String,
    pub deadline: String,
    /// near or overdue.
    pub level: String,
    pub due: String,
}

#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct EscalationRunView {
    pub checked: u64,
    pub escalated: Vec<EscalationLine>,
}

impl From<&EscalationRun> for EscalationRunView {
    fn from(r: &EscalationRun) -> Self {
        EscalationRunView {
            checked: r.checked,
            escalated: r
                .escalated
                .iter()
                .map(|(n, k, l, d)| EscalationLine {
                    number: n.clone(),
                    deadline: k.as_str().to_owned(),
                    level: l.as_str().to_owned(),
                    due: d.to_string(),
                })
                .collect(),
        }
    }
}

/// Escalate the open tickets whose deadline is near or passed (once per
/// deadline and level: running it again adds nothing).
#[utoipa::path(post, path = "/tickets/escalations", tag = "tickets",
    responses((status = 200, body = EscalationRunView), (status = "4XX", body = Problem)))]
pub async fn escalate(State(state): State<AppState>, user: CurrentUser) -> ApiResult<Response> {
    let actor = user.actor();
    let run = state.run(move |app| app.escalate_tickets(&actor)).await?;
    Ok(json(StatusCode::OK, &EscalationRunView::from(&run)))
}

#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct CountView {
    pub key: String,
    pub count: u64,
}

#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct TicketDashboardView {
    pub total: u64,
    pub open: u64,
    pub closed: u64,
    pub closed_on_time: u64,
    pub mediated: u64,
    pub settled: u64,
    pub overdue_now: u64,
    /// Closed without a deadline overdue, per mille of those closed.
    pub on_time_per_mille: Option<u64>,
    /// Settled per mille of those mediated.
    pub mediation_success_per_mille: Option<u64>,
    pub by_category: Vec<CountView>,
    pub by_channel: Vec<CountView>,
    pub by_district: Vec<CountView>,
    pub by_industry: Vec<CountView>,
    pub by_platform: Vec<CountView>,
    pub by_month: Vec<CountView>,
    /// Numbers of the overdue open tickets.
    pub overdue: Vec<String>,
}

fn counts(v: &[(String, u64)]) -> Vec<CountView> {
    v.iter()
        .map(|(k, c)| CountView {
            key: k.clone(),
            count: *c,
        })
        .collect()
}

impl From<&TicketDashboard> for TicketDashboardView {
    fn from(d: &TicketDashboard) -> Self {
        let s = &d.stats;
        TicketDashboardView {
            total: s.total,
            open: s.open,
            closed: s.closed,
            closed_on_time: s.closed_on_time,
            mediated: s.mediated,
            settled: s.settled,
            overdue_now: s.overdue_now,
            on_time_per_mille: d.on_time_per_mille,
            mediation_success_per_mille: d.mediation_success_per_mille,
            by_category: counts(&s.by_category),
            by_channel: counts(&s.by_channel),
            by_district: counts(&s.by_district),
            by_industry: counts(&s.by_industry),
            by_platform: counts(&s.by_platform),
            by_month: counts(&s.by_month),
            overdue: d.overdue.iter().map(|r| r.number.clone()).collect(),
        }
    }
}

/// The service centre's dashboard: tickets by category, channel, district,
/// industry, platform and month, the on-time and mediation success rates,
/// the overdue list (no personal data).
#[utoipa::path(get, path = "/tickets/dashboard", tag = "tickets",
    responses((status = 200, body = TicketDashboardView), (status = "4XX", body = Problem)))]
pub async fn dashboard(State(state): State<AppState>, user: CurrentUser) -> ApiResult<Response> {
    let actor = user.actor();
    let d = state.run(move |app| app.ticket_dashboard(&actor)).await?;
    Ok(json_sized(
        StatusCode::OK,
        &TicketDashboardView::from(&d),
        4096,
    ))
}

#[derive(Clone, Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DisputeRequest {
    /// Why the result is disputed (a default text when empty).
    #[serde(default)]
    pub summary: String,
}

/// "Dispute this": a ticket linked to a case in the caller's scope (a
/// refused claim, a decision), raised by the system.
#[utoipa::path(post, path = "/cases/{number}/dispute", tag = "tickets",
    params(("number" = String, Path, description = "the case number")),
    request_body = DisputeRequest,
    responses((status = 201, body = FiledTicketResponse), (status = "4XX", body = Problem)))]
pub async fn dispute_case(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(number): Path<String>,
    ApiJson(req): ApiJson<DisputeRequest>,
) -> ApiResult<Response> {
    let actor = user.actor();
    let filed = state
        .run(move |app| app.dispute_case(&actor, &number, &req.summary))
        .await?;
    Ok(json_sized(
        StatusCode::CREATED,
        &FiledTicketResponse::from(&filed),
        4096,
    ))
}

#[derive(Clone, Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct PaperQuery {
    /// `html` (default) or `pdf`.
    pub format: Option<String>,
}

/// A paper of a ticket in Chinese, as a printable HTML page or an A4 PDF:
/// `receipt` (诉求受理回执), `referral` (诉求转介函, once referred) or
/// `agreement` (调解协议书, once settled); another is a 409 `conflict`.
/// Scoped as the ticket.
#[utoipa::path(get, path = "/tickets/{number}/papers/{kind}", tag = "tickets",
    params(("number" = String, Path, description = "the ticket number"),
        ("kind" = String, Path, description = "receipt, referral or agreement"),
        PaperQuery),
    responses(
        (status = 200, description = "the paper", content(
            (String = "text/html"),
            (Vec<u8> = "application/pdf"))),
        (status = "4XX", body = Problem)))]
pub async fn ticket_paper(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((number, kind)): Path<(String, String)>,
    ApiQuery(q): ApiQuery<PaperQuery>,
) -> ApiResult<Response> {
    let format =
        gongshang_app::notices::NoticeFormat::parse(q.format.as_deref().unwrap_or("html"))?;
    let actor = user.actor();
    let paper = state
        .run(move |app| app.render_ticket_paper(&actor, &number, &kind, format))
        .await?;
    Ok(paper_response(paper))
}

/// The rendered paper with its type and an ASCII file name.
pub fn paper_response(paper: gongshang_app::notices::RenderedNotice) -> Response {
    use axum::response::IntoResponse;
    let file_name: String = paper
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
    (
        StatusCode::OK,
        [
            (
                axum::http::header::CONTENT_TYPE,
                paper.content_type.to_owned(),
            ),
            (
                axum::http::header::CONTENT_DISPOSITION,
                format!("inline; filename=\"{file_name}\""),
            ),
        ],
        paper.body,
    )
        .into_response()
}
