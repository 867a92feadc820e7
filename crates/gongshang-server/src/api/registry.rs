//! Units, people and engagements.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use gongshang_app::UnitInput;
use gongshang_app::model::{NewEngagement, Person, Unit};
use gongshang_domain::ids::{CreditCode, ResidentId};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::{ApiJson, ApiQuery, PageQuery, Paged, json};
use crate::AppState;
use crate::auth::CurrentUser;
use crate::error::{ApiError, ApiResult, Problem};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(create_unit, list_units))
        .routes(routes!(get_unit))
        .routes(routes!(create_person, list_people))
        .routes(routes!(get_person))
        .routes(routes!(create_engagement))
}

/// A unit to register (an employer, a platform, ...).
#[derive(Clone, Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UnitRequest {
    /// The 18-character unified social credit code.
    pub credit_code: String,
    pub name: String,
    /// enterprise, public_body, village_committee, platform, school,
    /// domestic_service_agency or volunteer_organisation.
    pub kind: String,
    /// GB/T 2260 region code of the pooling region.
    #[schema(pattern = "^[0-9]{6}$", min_length = 6, max_length = 6)]
    pub region: String,
    /// Industry risk class, 1 to 8.
    #[schema(minimum = 1, maximum = 8)]
    pub industry_class: u8,
    /// The unit's floating rate tier as a factor, e.g. "1.2"; 1 when absent.
    #[serde(default)]
    pub floating_tier: Option<String>,
}

#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct UnitView {
    pub id: i64,
    pub credit_code: String,
    pub name: String,
    pub kind: String,
    pub region: String,
    pub industry_class: u8,
    pub floating_tier: String,
    pub created_at: String,
}

impl From<&Unit> for UnitView {
    fn from(u: &Unit) -> Self {
        UnitView {
            id: u.id,
            credit_code: u.credit_code.as_str().to_owned(),
            name: u.name.clone(),
            kind: u.kind.as_str().to_owned(),
            region: u.region.as_str().to_owned(),
            industry_class: u.industry_class.get(),
            floating_tier: u.floating_tier.to_string(),
            created_at: u.created_at.to_string(),
        }
    }
}

#[derive(Clone, Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PersonRequest {
    /// The 18-character identity number (checksum, region and birth date
    /// are checked).
    pub resident_id: String,
    pub name: String,
}

#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct PersonView {
    pub id: i64,
    pub resident_id: String,
    pub name: String,
    /// male or female, from the identity number.
    pub sex: String,
    pub birth_date: String,
}

impl From<&Person> for PersonView {
    fn from(p: &Person) -> Self {
        PersonView {
            id: p.id,
            resident_id: p.resident_id.as_str().to_owned(),
            name: p.name.clone(),
            sex: match p.sex {
                gongshang_rules::retirement::Sex::Male => "male".into(),
                gongshang_rules::retirement::Sex::Female => "female".into(),
            },
            birth_date: p.birth_date.to_string(),
        }
    }
}

#[derive(Clone, Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EngagementRequest {
    pub resident_id: String,
    /// The unit's credit code.
    pub unit: String,
    /// employee, platform_worker, intern, ...
    pub category: String,
    /// First day, YYYY-MM-DD.
    pub start: String,
    /// Last day, YYYY-MM-DD; absent while it runs.
    #[serde(default)]
    pub end: Option<String>,
}

#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct CreatedId {
    pub id: i64,
}

pub(crate) fn parse_date(field: &str, text: &str) -> ApiResult<jiff::civil::Date> {
    text.trim().parse().map_err(|_| {
        ApiError::invalid(
            field,
            format!("{text:?} is not a date; expected YYYY-MM-DD"),
        )
    })
}

pub(crate) fn parse_resident(field: &str, text: &str) -> ApiResult<ResidentId> {
    ResidentId::parse(text.trim()).map_err(|e| ApiError::invalid(field, e.to_string()))
}

/// A scheme id as a client wrote it, e.g. `xiamen.yilubao`.
pub(crate) fn parse_scheme(field: &str, text: &str) -> ApiResult<gongshang_rules::SchemeId> {
    gongshang_rules::SchemeId::parse(text.trim())
        .map_err(|e| ApiError::invalid(field, e.to_string()))
}

pub(crate) fn parse_credit(field: &str, text: &str) -> ApiResult<CreditCode> {
    CreditCode::parse(text.trim()).map_err(|e| ApiError::invalid(field, e.to_string()))
}

/// Register a unit (agency clerks and administrators).
#[utoipa::path(post, path = "/units", tag = "registry", request_body = UnitRequest,
    responses((status = 201, body = UnitView), (status = "4XX", body = Problem)))]
pub async fn create_unit(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiJson(req): ApiJson<UnitRequest>,
) -> ApiResult<Response> {
    let input = UnitInput {
        credit_code: req.credit_code,
        name: req.name,
        kind: req.kind,
        region: req.region,
        industry_class: req.industry_class.to_string(),
        floating_tier: req.floating_tier.unwrap_or_default(),
    };
    let actor = user.actor();
    let unit = state
        .run(move |app| app.register_unit(&actor, &input))
        .await?;
    Ok(json(StatusCode::CREATED, &UnitView::from(&unit)))
}

/// Every unit, by id (agency staff).
#[utoipa::path(get, path = "/units", tag = "registry", params(PageQuery),
    responses((status = 200, body = Paged<UnitView>), (status = "4XX", body = Problem)))]
pub async fn list_units(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiQuery(q): ApiQuery<PageQuery>,
) -> ApiResult<Response> {
    let page = q.page()?;
    let actor = user.actor();
    let units = state.run(move |app| app.list_units(&actor, page)).await?;
    let views: Vec<UnitView> = units.iter().map(UnitView::from).collect();
    Ok(json(
        StatusCode::OK,
        &Paged::new(views, page.limit, |u| u.id),
    ))
}

/// One unit (agency staff; a unit user its own unit).
#[utoipa::path(get, path = "/units/{credit_code}", tag = "registry",
    params(("credit_code" = String, Path, description = "unified social credit code")),
    responses((status = 200, body = UnitView), (status = "4XX", body = Problem)))]
pub async fn get_unit(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(code): Path<String>,
) -> ApiResult<Response> {
    let code = parse_credit("credit_code", &code)?;
    let actor = user.actor();
    let unit = state.run(move |app| app.unit(&actor, &code)).await?;
    Ok(json(StatusCode::OK, &UnitView::from(&unit)))
}

/// Register a person (agency clerks; a unit registers its own workers and
/// then engages or enrols them).
#[utoipa::path(post, path = "/people", tag = "registry", request_body = PersonRequest,
    responses((status = 201, body = PersonView), (status = "4XX", body = Problem)))]
pub async fn create_person(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiJson(req): ApiJson<PersonRequest>,
) -> ApiResult<Response> {
    let actor = user.actor();
    let person = state
        .run(move |app| app.register_person(&actor, &req.resident_id, &req.name))
        .await?;
    Ok(json(StatusCode::CREATED, &PersonView::from(&person)))
}

/// People by id: every person for agency staff, a unit's own people for a
/// unit user.
#[utoipa::path(get, path = "/people", tag = "registry", params(PageQuery),
    responses((status = 200, body = Paged<PersonView>), (status = "4XX", body = Problem)))]
pub async fn list_people(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiQuery(q): ApiQuery<PageQuery>,
) -> ApiResult<Response> {
    let page = q.page()?;
    let actor = user.actor();
    let people = state.run(move |app| app.list_people(&actor, page)).await?;
    let views: Vec<PersonView> = people.iter().map(PersonView::from).collect();
    Ok(json(
        StatusCode::OK,
        &Paged::new(views, page.limit, |p| p.id),
    ))
}

/// One person (agency staff; a unit its own people; a worker themselves).
#[utoipa::path(get, path = "/people/{resident_id}", tag = "registry",
    params(("resident_id" = String, Path, description = "identity number")),
    responses((status = 200, body = PersonView), (status = "4XX", body = Problem)))]
pub async fn get_person(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(rid): Path<String>,
) -> ApiResult<Response> {
    let rid = parse_resident("resident_id", &rid)?;
    let actor = user.actor();
    let person = state.run(move |app| app.person(&actor, &rid)).await?;
    Ok(json(StatusCode::OK, &PersonView::from(&person)))
}

/// Record that a person works for a unit (agency clerks; a unit for itself).
#[utoipa::path(post, path = "/engagements", tag = "registry", request_body = EngagementRequest,
    responses((status = 201, body = CreatedId), (status = "4XX", body = Problem)))]
pub async fn create_engagement(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiJson(req): ApiJson<EngagementRequest>,
) -> ApiResult<Response> {
    let engagement = NewEngagement {
        person: parse_resident("resident_id", &req.resident_id)?,
        unit: parse_credit("unit", &req.unit)?,
        category: gongshang_app::parse_category(&req.category)?,
        start: parse_date("start", &req.start)?,
        end: req
            .end
            .as_deref()
            .map(|e| parse_date("end", e))
            .transpose()?,
    };
    let actor = user.actor();
    let id = state
        .run(move |app| app.add_engagement(&actor, &engagement))
        .await?;
    Ok(json(StatusCode::CREATED, &CreatedId { id }))
}
