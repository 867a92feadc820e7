use gongshang_rules::SchemeId;
use std::sync::{Arc, RwLock};

use gongshang_domain::coverage::{self, CoverSource, Enrollment};
use gongshang_domain::declaration::{self, EnrolmentTerm};
use gongshang_domain::ids::{CreditCode, IdempotencyKey, ReferenceId, RegionCode, ResidentId};
use gongshang_domain::ledger;
use gongshang_domain::month::Month;
use gongshang_domain::{DueDate, HolidayCalendar, PlatformId};
use gongshang_rules::billing::{self, UnitRating};
use gongshang_rules::contribution::IndustryClass;
use gongshang_rules::rate::Rate;
use gongshang_rules::retirement::RetirementTrack;
use gongshang_rules::scheme::{
    Applicant, Billing, Category, CoverStart, Eligibility, PremiumPayer, Scheme,
};
use gongshang_rules::{Money, PolicySet};
use gongshang_store::{
    BillKind, BillStatus, CoverProof, NewBill, NewCover, NewDeclaration, NewEngagement,
    NewEnrollment, NewPayment, NewPerson, NewUnit, Page, PaymentOutcome, Person, Store, StoreError,
    StoredBill, StoredEnrollment, Unit, UnitKind,
};
use jiff::civil::Date;
use jiff::{Timestamp, ToSpan};
use serde::Serialize;

use crate::actor::{Action, Actor, Scope};
use crate::clock::Clock;
use crate::error::AppError;

/// How far before the day it is recorded a payment's `paid_on` may lie (a
/// bank statement of the month before, with its weekends and holidays).
pub const PAID_ON_DAYS_BACK: i64 = 45;

/// The day of the following month a monthly bill is due unless configured.
pub const DEFAULT_DUE_DAY: i8 = 15;

/// The services over one store.
pub struct App {
    pub(crate) store: Box<dyn Store>,
    pub(crate) policy: PolicySet,
    /// The shipped arrangements with those loaded at run time over them;
    /// replaced whole when an administrator loads a year.
    pub(crate) calendar: RwLock<Arc<HolidayCalendar>>,
    pub(crate) clock: Arc<dyn Clock>,
    pub(crate) due_day: i8,
}

/// A unit as people write it (a CSV row, a form).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct UnitInput {
    pub credit_code: String,
    pub name: String,
    pub kind: String,
    pub region: String,
    pub industry_class: String,
    pub floating_tier: String,
}

/// An enrolment asked for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EnrollRequest {
    pub person: ResidentId,
    /// `None` for people who enrol themselves.
    pub unit: Option<CreditCode>,
    pub scheme_id: SchemeId,
    pub category: Category,
    pub start: Date,
    /// A labour relation with the unit known otherwise than from the
    /// engagements (an employee engagement of the unit counts anyway).
    pub labour_relation: bool,
    /// The unit's commitment, for a scheme that asks for one (粤人社规〔2020〕55号
    /// Art 6 and Annex 1, issue 17): the text is the scheme's, who and when
    /// are the actor and the clock.
    pub commitment: Option<CommitmentInput>,
}

/// What the person enrolling says of the commitment: how it was made and
/// that the insured were informed of their rights and obligations.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct CommitmentInput {
    pub form: gongshang_store::CommitmentForm,
    pub persons_informed: bool,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Enrolled {
    pub enrollment_id: i64,
    pub eligibility: Eligibility,
}

/// One line of an issued bill.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BillLine {
    pub enrollment_id: i64,
    pub person: ResidentId,
    pub declared_wage: Money,
    pub base: Money,
    pub rate: Rate,
    pub premium: Money,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IssuedBill {
    pub bill_id: i64,
    pub reference: String,
    pub amount: Money,
    pub fiscal_share: Money,
    pub due_date: Date,
    /// The due date falls in (or was moved into) a year whose holiday
    /// arrangement is not loaded: weekends only, counted again later.
    pub due_provisional: bool,
    pub lines: Vec<BillLine>,
}

/// A bill: its id, reference, kind, scheme, period and fiscal share.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BillRecord {
    pub bill_id: i64,
    pub reference: String,
    pub kind: BillKind,
    pub scheme_id: SchemeId,
    pub period: String,
    pub fiscal_share: Money,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PaymentRequest {
    pub bill_id: i64,
    pub amount: Money,
    pub paid_on: Date,
    /// At most 60 visible ASCII characters.
    pub idempotency_key: String,
    /// Who paid: the bill's payer unless said (the fiscal payer pays the
    /// subsidy share of a day bill).
    pub payer: Option<PremiumPayer>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PaymentReceipt {
    pub payment_id: i64,
    /// The same payment was recorded before under the key: nothing changed.
    pub already_recorded: bool,
    pub bill: BillStatus,
    pub coverage: Vec<NewCover>,
}

/// The instant or the day asked about.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum At {
    Instant(Timestamp),
    Day(Date),
}

#[derive(Copy, Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CoverageReason {
    Covered,
    NotEnrolled,
    BeforeEnrollment,
    AfterEnrollment,
    /// Enrolled, but nothing paid (or worked) covers the day.
    NotPaid,
}

impl CoverageReason {
    pub fn text_zh(self) -> &'static str {
        match self {
            CoverageReason::Covered => "在保",
            CoverageReason::NotEnrolled => "未参保",
            CoverageReason::BeforeEnrollment => "参保开始之前",
            CoverageReason::AfterEnrollment => "参保已终止",
            CoverageReason::NotPaid => {
                "已参保但该日无缴费（或接单）对应的保障；缴费次日起保障，不追溯"
            }
        }
    }

    pub fn text_en(self) -> &'static str {
        match self {
            CoverageReason::Covered => "covered",
            CoverageReason::NotEnrolled => "not enrolled in any scheme",
            CoverageReason::BeforeEnrollment => "before the enrolment started",
            CoverageReason::AfterEnrollment => "after the enrolment ended",
            CoverageReason::NotPaid => {
                "enrolled, but nothing paid (or worked) covers the day; cover starts the day after payment and is never backdated"
            }
        }
    }
}

/// An enrolment as shown in an answer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct EnrollmentView {
    pub id: i64,
    pub unit: Option<String>,
    pub scheme_id: SchemeId,
    pub category: Category,
    pub start: Date,
    pub last_day: Option<Date>,
}

impl From<&StoredEnrollment> for EnrollmentView {
    fn from(e: &StoredEnrollment) -> Self {
        EnrollmentView {
            id: e.id,
            unit: e.unit.as_ref().map(|u| u.as_str().to_owned()),
            scheme_id: e.scheme_id.clone(),
            category: e.category,
            start: e.start,
            last_day: e.last_day,
        }
    }
}

/// One cover holding the day, and what it rests on.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CoverFound {
    pub scheme_id: SchemeId,
    pub unit: Option<String>,
    pub enrollment: Option<EnrollmentView>,
    /// The payment behind the cover (`month_paid`, `days_bought`).
    pub payment_id: Option<i64>,
    /// The platform whose orders cover the day (`order_day`).
    pub platform: Option<String>,
    /// `enrollment`, `month_paid`, `days_bought` or `order_day`.
    pub basis: String,
    pub start: Date,
    /// `9999-12-31` when open-ended.
    pub end: Date,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CoverageAnswer {
    pub person: String,
    pub day: Date,
    pub unit: Option<String>,
    pub covered: bool,
    pub reason: CoverageReason,
    pub covers: Vec<CoverFound>,
    /// The person's enrolments (of the unit, if one was asked for).
    pub enrollments: Vec<EnrollmentView>,
}

/// A bill with what is paid and outstanding, and its scheme and kind.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BillView {
    pub status: BillStatus,
    pub kind: BillKind,
    pub scheme_id: SchemeId,
}

fn category_from_text(text: &str) -> Result<Category, AppError> {
    serde_json::from_value(serde_json::Value::String(text.to_owned())).map_err(|_| {
        AppError::invalid(
            "category",
            format!("{text:?} is not a category; expected one of employee, over_retirement_age, disability_allowance_recipient, intern, work_study, trainee, medical_resident, domestic_worker, village_cadre, platform_worker, volunteer, flexible_worker, other_without_labour_relation"),
        )
    })
}

/// Parses a category as written in files (`employee`, `platform_worker`, ...).
pub fn parse_category(text: &str) -> Result<Category, AppError> {
    category_from_text(text.trim())
}

/// Parses a unit (every field checked; nothing stored).
pub fn parse_unit(input: &UnitInput) -> Result<NewUnit, AppError> {
    let credit_code = CreditCode::parse(input.credit_code.trim())?;
    let name = input.name.trim();
    if name.is_empty() {
        return Err(AppError::invalid("name", "empty; a unit needs its name"));
    }
    // The field is `kind` in every form and request (the store says
    // `unit_kind`).
    let kind = UnitKind::parse(input.kind.trim()).map_err(|e| match e {
        gongshang_store::StoreError::InvalidInput { reason, .. } => {
            AppError::invalid("kind", reason)
        }
        other => AppError::Store(other),
    })?;
    let region = RegionCode::parse(input.region.trim())?;
    let class: u8 = input.industry_class.trim().parse().map_err(|_| {
        AppError::invalid(
            "industry_class",
            format!("{:?} is not a class; expected 1 to 8", input.industry_class),
        )
    })?;
    let industry_class = IndustryClass::new(class)?;
    let tier_text = input.floating_tier.trim();
    let floating_tier = if tier_text.is_empty() {
        Rate::ONE
    } else {
        Rate::parse(tier_text).map_err(|e| AppError::invalid("floating_tier", e.to_string()))?
    };
    Ok(NewUnit {
        credit_code,
        name: name.to_owned(),
        kind,
        region,
        industry_class,
        floating_tier,
    })
}

/// The longest name a person may be registered with, in characters (the
/// longest names of the resident registry, transliterated minority names
/// with their separators, stay well under it).
pub const PERSON_NAME_MAX_CHARS: usize = 60;

/// Parses a person: the identity number (checksum, region, birth date) and a name.
pub fn parse_person(resident_id: &str, name: &str) -> Result<NewPerson, AppError> {
    let resident_id = ResidentId::parse(resident_id.trim())?;
    let name = name.trim();
    if name.is_empty() {
        return Err(AppError::invalid(
            "name",
            "empty; a person needs a real name",
        ));
    }
    // Issue 13: a name is at most PERSON_NAME_MAX_CHARS characters, with no
    // control characters (a 500-character name was accepted).
    let chars = name.chars().count();
    if chars > PERSON_NAME_MAX_CHARS || name.chars().any(char::is_control) {
        return Err(AppError::invalid(
            "name",
            format!(
                "{chars} characters; a name has 1 to {PERSON_NAME_MAX_CHARS} characters and no control characters"
            ),
        ));
    }
    Ok(NewPerson {
        resident_id,
        name: name.to_owned(),
    })
}

fn reference(text: String) -> Result<ReferenceId, AppError> {
    ReferenceId::parse(&text).map_err(AppError::from)
}

fn contains(e: &StoredEnrollment, day: Date) -> bool {
    e.start <= day && e.last_day.is_none_or(|l| day <= l)
}

/// The `due_day` of the month after `month`, moved past weekends and
/// holidays by `calendar`.
pub(crate) fn due_date_by(
    calendar: &HolidayCalendar,
    due_day: i8,
    month: Month,
) -> Result<DueDate, AppError> {
    let day = month
        .next()
        .first_day()
        .checked_add(i64::from(due_day - 1).days())
        .map_err(|e| AppError::invalid("month", e.to_string()))?;
    Ok(calendar.due_on_or_after(day)?)
}

impl App {
    /// The services over `store`, with the shipped policies and holiday
    /// calendars, and bills due on the 15th of the following month.
    pub fn new(store: Box<dyn Store>, clock: Arc<dyn Clock>) -> Result<App, AppError> {
        let calendar = crate::holidays::stored_over_shipped(&*store)?;
        Ok(App {
            store,
            policy: PolicySet::embedded()?,
            calendar: RwLock::new(Arc::new(calendar)),
            clock,
            due_day: DEFAULT_DUE_DAY,
        })
    }

    /// The holiday calendar in force now (shipped years, and those loaded
    /// at run time over them).
    pub fn calendar(&self) -> Arc<HolidayCalendar> {
        Arc::clone(&self.calendar.read().unwrap_or_else(|e| e.into_inner()))
    }

    /// Bills fall due on this day of the following month (1 to 28), moved to
    /// the next working day.
    pub fn with_due_day(mut self, day: i8) -> Result<App, AppError> {
        if !(1..=28).contains(&day) {
            return Err(AppError::invalid(
                "due_day",
                format!("{day}; expected a day from 1 to 28"),
            ));
        }
        self.due_day = day;
        Ok(self)
    }

    pub fn store(&self) -> &dyn Store {
        &*self.store
    }

    /// `sqlite` or `postgres`.
    pub fn backend_name(&self) -> &'static str {
        self.store.backend_name()
    }

    /// Which database answers (the server reads SQLite inline and sends
    /// PostgreSQL's round trips to blocking threads).
    pub fn backend(&self) -> gongshang_store::BackendKind {
        self.store.backend()
    }

    pub fn policy(&self) -> &PolicySet {
        &self.policy
    }

    pub fn now(&self) -> Timestamp {
        self.clock.now()
    }

    pub(crate) fn scheme(&self, id: &SchemeId) -> Result<&Scheme, AppError> {
        Ok(self.policy.scheme(id)?)
    }

    // ---- registry ----------------------------------------------------------

    pub fn register_unit(&self, actor: &Actor, input: &UnitInput) -> Result<Unit, AppError> {
        actor.authorize(Action::RegisterUnit)?;
        let unit = parse_unit(input)?;
        Ok(self
            .store
            .create_unit(&unit, &actor.audit_name(), self.now())?)
    }

    pub fn register_person(
        &self,
        actor: &Actor,
        resident_id: &str,
        name: &str,
    ) -> Result<Person, AppError> {
        actor.authorize(Action::RegisterPerson)?;
        let person = parse_person(resident_id, name)?;
        Ok(self
            .store
            .create_person(&person, &actor.audit_name(), self.now())?)
    }

    /// A person by identity number, in the actor's scope: agency staff see
    /// everyone, a unit the people it enrols (an engagement it claims opens
    /// nothing), a worker themself.
    pub fn person(&self, actor: &Actor, id: &ResidentId) -> Result<Person, AppError> {
        actor.authorize(Action::ReadRegistry)?;
        let reached = self.reaches_person(actor, id)?;
        actor.require_reach(reached, "person", id.masked())?;
        self.store
            .person_by_resident_id(id)?
            .ok_or_else(|| AppError::NotFound {
                entity: "person",
                key: id.masked(),
            })
    }

    /// Whether the person is in the actor's scope.
    pub(crate) fn reaches_person(&self, actor: &Actor, id: &ResidentId) -> Result<bool, AppError> {
        Ok(match &actor.scope {
            Scope::All => true,
            Scope::Unit { unit, .. } => self.store.person_of_unit(id, unit)?,
            Scope::Person(me) => me == id,
            Scope::StatisticsOnly | Scope::Partner(_) => false,
        })
    }

    /// A person's enrolments in the actor's scope (a unit sees its own only).
    pub fn enrollments_of_person(
        &self,
        actor: &Actor,
        id: &ResidentId,
    ) -> Result<Vec<StoredEnrollment>, AppError> {
        self.person(actor, id)?;
        Ok(self
            .store
            .enrollments_of_person(id)?
            .into_iter()
            .filter(|e| actor.reaches(id, e.unit.as_ref()) || actor.person() == Some(id))
            .collect())
    }

    /// The commitments kept with the person's enrolments the actor may see
    /// (粤人社规〔2020〕55号 Art 6, issue 17).
    pub fn commitments_of_person(
        &self,
        actor: &Actor,
        id: &ResidentId,
    ) -> Result<Vec<crate::model::StoredCommitment>, AppError> {
        let seen: Vec<i64> = self
            .enrollments_of_person(actor, id)?
            .iter()
            .map(|e| e.id)
            .collect();
        Ok(self
            .store
            .commitments_of_person(id)?
            .into_iter()
            .filter(|c| seen.contains(&c.enrollment_id))
            .collect())
    }

    /// A unit by credit code, in the actor's scope.
    pub fn unit(&self, actor: &Actor, code: &CreditCode) -> Result<Unit, AppError> {
        actor.authorize(Action::ReadRegistry)?;
        actor.require_reach(actor.reaches_unit(Some(code)), "unit", code.as_str())?;
        self.store
            .unit_by_code(code)?
            .ok_or_else(|| AppError::NotFound {
                entity: "unit",
                key: code.as_str().to_owned(),
            })
    }

    /// Every unit, a page at a time (agency staff).
    pub fn list_units(&self, actor: &Actor, page: Page) -> Result<Vec<Unit>, AppError> {
        actor.authorize(Action::ListUnits)?;
        Ok(self.store.list_units(page)?)
    }

    /// People, a page at a time: every person for agency staff, a unit's
    /// enrolled people for a unit.
    pub fn list_people(&self, actor: &Actor, page: Page) -> Result<Vec<Person>, AppError> {
        actor.authorize(Action::ReadRegistry)?;
        match &actor.scope {
            Scope::All => Ok(self.store.list_people(page, None)?),
            Scope::Unit { unit, .. } => Ok(self.store.list_people(page, Some(unit))?),
            Scope::Person(_) | Scope::StatisticsOnly | Scope::Partner(_) => {
                Err(AppError::Forbidden {
                    action: Action::ListUnits,
                })
            }
        }
    }

    pub fn add_engagement(&self, actor: &Actor, e: &NewEngagement) -> Result<i64, AppError> {
        actor.authorize(Action::AddEngagement)?;
        actor.require_own(
            actor.reaches_unit(Some(&e.unit)),
            "unit",
            "a unit records engagements with itself only",
        )?;
        if e.end.is_some_and(|end| end < e.start) {
            return Err(AppError::invalid(
                "end",
                format!("{} is before the start {}", e.end.expect("some"), e.start),
            ));
        }
        Ok(self
            .store
            .add_engagement(e, &actor.audit_name(), self.now())?)
    }

    // ---- enrollment --------------------------------------------------------

    /// The eligibility of an enrolment on its start date, from what is stored:
    /// age and sex from the identity number, the category, a labour relation
    /// with the unit (an employee engagement of the unit on the start date,
    /// or the request's flag), and cover by the Regulations (a running
    /// enrolment in a scheme whose cover rests on the enrolment).
    pub fn check_enrollment(
        &self,
        actor: &Actor,
        req: &EnrollRequest,
    ) -> Result<Eligibility, AppError> {
        self.may_enrol(actor, req)?;
        if self.store.person_by_resident_id(&req.person)?.is_none() {
            return Err(AppError::NotFound {
                entity: "person",
                key: req.person.masked(),
            });
        }
        self.eligibility_of(req)
    }

    /// The commitment a scheme asks of the enrolling unit (粤人社规〔2020〕55号
    /// Art 6, Annex 1), made by this actor now: required where the scheme
    /// has a text, refused where it has none; the insured must have been
    /// informed; a unit commits electronically, and a paper commitment is
    /// entered by the agency's staff who received it.
    fn commitment_of(
        &self,
        actor: &Actor,
        req: &EnrollRequest,
    ) -> Result<Option<gongshang_store::NewCommitment>, AppError> {
        let scheme = self.scheme(&req.scheme_id)?;
        match (&scheme.commitment, req.commitment) {
            (None, None) => Ok(None),
            (None, Some(_)) => Err(AppError::invalid(
                "commitment",
                format!("{} asks for no commitment on enrolment", scheme.id),
            )),
            (Some(text), None) => Err(AppError::invalid(
                "commitment",
                format!(
                    "{} asks the unit's commitment on enrolment ({}): electronic or paper, and that the insured were informed of their rights and obligations",
                    scheme.id, text.citation.article
                ),
            )),
            (Some(_), Some(c)) if !c.persons_informed => Err(AppError::invalid(
                "commitment",
                "the unit commits that it informed the insured of their rights and obligations; inform them first",
            )),
            (Some(_), Some(c))
                if c.form == gongshang_store::CommitmentForm::Paper && !actor.is_agency() =>
            {
                Err(AppError::invalid(
                    "commitment",
                    "a unit commits electronically; a paper commitment is entered by the agency that received it",
                ))
            }
            (Some(text), Some(c)) => Ok(Some(gongshang_store::NewCommitment {
                text: text.text_zh.clone(),
                article: format!("{}{}", text.citation.instrument, text.citation.article),
                form: c.form,
                persons_informed: true,
            })),
        }
    }

    /// The scheme texts shown where one enrols (the commitment) and on the
    /// unit's pages and notices (what enrolment does not prove).
    pub fn scheme_texts(
        &self,
        scheme_id: &SchemeId,
    ) -> (
        Option<&gongshang_rules::scheme::SchemeText>,
        Option<&gongshang_rules::scheme::SchemeText>,
    ) {
        match self.policy.scheme(scheme_id) {
            Ok(s) => (s.commitment.as_ref(), s.labour_relation_statement.as_ref()),
            Err(_) => (None, None),
        }
    }

    /// The action table and the scope: a unit enrols in its own name.
    fn may_enrol(&self, actor: &Actor, req: &EnrollRequest) -> Result<(), AppError> {
        actor.authorize(Action::Enrol)?;
        actor.require_own(
            actor.is_agency() || (req.unit.is_some() && actor.reaches_unit(req.unit.as_ref())),
            "unit",
            "a unit enrols people in its own name only",
        )?;
        Ok(())
    }

    /// The scheme's eligibility of the request from what is stored (a person
    /// not registered yet has no engagements and no enrolments).
    fn eligibility_of(&self, req: &EnrollRequest) -> Result<Eligibility, AppError> {
        let scheme = self.scheme(&req.scheme_id)?;
        let region = match &req.unit {
            Some(code) => {
                let unit = self
                    .store
                    .unit_by_code(code)?
                    .ok_or_else(|| AppError::NotFound {
                        entity: "unit",
                        key: code.as_str().to_owned(),
                    })?;
                Some(unit.region.as_str().to_owned())
            }
            None => None,
        };
        let labour_relation = req.labour_relation
            || match &req.unit {
                Some(unit) => self
                    .store
                    .engagements_of_person(&req.person)?
                    .iter()
                    .any(|g| {
                        &g.unit == unit
                            && g.category == Category::Employee
                            && g.start <= req.start
                            && g.end.is_none_or(|end| req.start <= end)
                    }),
                None => false,
            };
        let covered_by_regulations =
            self.store
                .enrollments_of_person(&req.person)?
                .iter()
                .any(|e| {
                    contains(e, req.start)
                        && self.policy.scheme(&e.scheme_id).is_ok_and(|s| {
                            s.cover_starts == CoverStart::Enrollment && s.id != scheme.id
                        })
                });
        let applicant = Applicant {
            category: req.category,
            birth_date: req.person.birth_date(),
            sex: Some(req.person.sex()),
            retirement_track: RetirementTrack::default(),
            labour_relation_with_unit: labour_relation,
            covered_by_regulations,
            region,
        };
        Ok(scheme.eligibility(&self.policy, &applicant, req.start)?)
    }

    /// Enrols a person after [`App::check_enrollment`]; refused with the rule,
    /// the value and what is allowed. A person may be enrolled by several
    /// units at once (one enrolment each), but not twice by the same unit in
    /// the same scheme at the same time.
    /// Registers a person not known yet and enrols them, in one unit of
    /// work: a refused enrolment leaves no person behind. A person already
    /// registered is enrolled (the name given must then be theirs).
    pub fn register_and_enroll(
        &self,
        actor: &Actor,
        name: &str,
        req: &EnrollRequest,
    ) -> Result<(Person, Enrolled), AppError> {
        if let Some(known) = self.store.person_by_resident_id(&req.person)? {
            let enrolled = self.enroll(actor, req)?;
            return Ok((known, enrolled));
        }
        actor.authorize(Action::RegisterPerson)?;
        self.may_enrol(actor, req)?;
        let person = parse_person(req.person.as_str(), name)?;
        let eligibility = self.eligibility_of(req)?;
        if let Some(f) = eligibility.failure() {
            return Err(AppError::NotEligible {
                scheme: req.scheme_id.to_string(),
                rule: f.rule.to_owned(),
                value: f.value.clone(),
                allowed: f.allowed.clone(),
            });
        }
        let commitment = self.commitment_of(actor, req)?;
        let (stored, id) = self.store.create_person_and_enrollment(
            &person,
            &NewEnrollment {
                person: req.person,
                unit: req.unit,
                scheme_id: req.scheme_id.clone(),
                category: req.category,
                start: req.start,
                commitment,
            },
            &actor.audit_name(),
            self.now(),
        )?;
        Ok((
            stored,
            Enrolled {
                enrollment_id: id,
                eligibility,
            },
        ))
    }

    pub fn enroll(&self, actor: &Actor, req: &EnrollRequest) -> Result<Enrolled, AppError> {
        let eligibility = self.check_enrollment(actor, req)?;
        if let Some(f) = eligibility.failure() {
            return Err(AppError::NotEligible {
                scheme: req.scheme_id.to_string(),
                rule: f.rule.to_owned(),
                value: f.value.clone(),
                allowed: f.allowed.clone(),
            });
        }
        if let Some(e) = self
            .store
            .enrollments_of_person(&req.person)?
            .iter()
            .find(|e| {
                e.unit == req.unit
                    && e.scheme_id == req.scheme_id
                    && e.last_day.is_none_or(|l| l >= req.start)
            })
        {
            return Err(AppError::Conflict {
                entity: "enrollment",
                reason: format!(
                    "the person is already enrolled in {} by this unit (enrollment {} from {}); end it first",
                    req.scheme_id, e.id, e.start
                ),
            });
        }
        let commitment = self.commitment_of(actor, req)?;
        let id = self.store.create_enrollment(
            &NewEnrollment {
                person: req.person,
                unit: req.unit,
                scheme_id: req.scheme_id.clone(),
                category: req.category,
                start: req.start,
                commitment,
            },
            &actor.audit_name(),
            self.now(),
        )?;
        Ok(Enrolled {
            enrollment_id: id,
            eligibility,
        })
    }

    pub fn end_enrollment(
        &self,
        actor: &Actor,
        enrollment_id: i64,
        last_day: Date,
    ) -> Result<StoredEnrollment, AppError> {
        actor.authorize(Action::EndEnrolment)?;
        let e = self.enrollment(enrollment_id)?;
        actor.require_reach(
            actor.reaches(&e.person, e.unit.as_ref()),
            "enrollment",
            enrollment_id.to_string(),
        )?;
        self.store
            .end_enrollment(enrollment_id, last_day, &actor.audit_name(), self.now())?;
        self.enrollment(enrollment_id)
    }

    // ---- contributions -----------------------------------------------------

    /// The configured day of the month after `month`, moved past weekends and
    /// holidays; provisional when the year's arrangement is not loaded.
    pub fn due_date(&self, month: Month) -> Result<DueDate, AppError> {
        due_date_by(&self.calendar(), self.due_day, month)
    }

    /// A unit's monthly declaration in a scheme billed on wages: one line per
    /// enrolment of the unit active in the month, each with its declared
    /// wage (not needed for a fixed base), the premium by the rules engine,
    /// and one bill with its ledger transaction, in one store call. A second
    /// declaration of the month is refused (no supplementary declarations),
    /// as is a month before the person's enrolment.
    pub fn declare_month(
        &self,
        actor: &Actor,
        unit_code: &CreditCode,
        scheme_id: &SchemeId,
        month: Month,
        declarations: &[(ResidentId, Money)],
    ) -> Result<IssuedBill, AppError> {
        actor.authorize(Action::Declare)?;
        actor.require_own(
            actor.reaches_unit(Some(unit_code)),
            "unit",
            "a unit declares its own months only",
        )?;
        let (bill, lines) = self.monthly_bill(unit_code, scheme_id, month, declarations)?;
        let reference_text = bill.reference.clone();
        let (amount, due_date, due_provisional) =
            (bill.amount, bill.due_date, bill.due_provisional);
        let bill_id = self
            .store
            .issue_bill(&bill, &actor.audit_name(), self.now())
            .map_err(|e| match e {
                StoreError::Duplicate { entity: "bill", .. } => AppError::Conflict {
                    entity: "declaration",
                    reason: format!(
                        "{month} of unit {} in {scheme_id} was already declared (bill {reference_text}); supplementary declarations are not accepted",
                        unit_code.as_str()
                    ),
                },
                other => other.into(),
            })?;
        Ok(IssuedBill {
            bill_id,
            reference: reference_text,
            amount,
            fiscal_share: Money::ZERO,
            due_date,
            due_provisional,
            lines,
        })
    }

    /// The bill of a unit's month as [`App::declare_month`] issues it, with
    /// its lines, computed from what is stored; nothing is written.
    pub(crate) fn monthly_bill(
        &self,
        unit_code: &CreditCode,
        scheme_id: &SchemeId,
        month: Month,
        declarations: &[(ResidentId, Money)],
    ) -> Result<(NewBill, Vec<BillLine>), AppError> {
        let scheme = self.scheme(scheme_id)?;
        let unit = self
            .store
            .unit_by_code(unit_code)?
            .ok_or_else(|| AppError::NotFound {
                entity: "unit",
                key: unit_code.as_str().to_owned(),
            })?;
        let terms: Vec<EnrolmentTerm> = self
            .store
            .enrollments_of_unit(unit_code, Some(scheme_id))?
            .iter()
            .map(|e| EnrolmentTerm {
                id: e.id,
                person: e.person,
                start: e.start,
                last_day: e.last_day,
            })
            .collect();
        let rating = UnitRating {
            class: unit.industry_class,
            tier: unit.floating_tier,
        };
        let declared = declaration::declare_month(
            &self.policy,
            scheme,
            rating,
            unit_code,
            month,
            &terms,
            declarations,
        )?;
        let lines: Vec<BillLine> = declared
            .lines
            .iter()
            .map(|l| BillLine {
                enrollment_id: l.enrollment_id,
                person: l.person,
                declared_wage: l.declared_wage,
                base: l.base,
                rate: l.rate,
                premium: l.premium,
            })
            .collect();
        let amount = declared.amount;
        let shares = declared.shares;
        let due = self.due_date(month)?;
        let reference_text = declaration::monthly_bill_reference(month, unit_code, scheme_id);
        let bill_ref = reference(reference_text.clone())?;
        let tx = ledger::bill_issued(
            IdempotencyKey::parse(&format!("bill:{reference_text}"))?,
            bill_ref,
            &shares,
        )?;
        let bill = NewBill {
            reference: reference_text.clone(),
            unit: Some(*unit_code),
            person: None,
            scheme_id: scheme_id.to_owned(),
            kind: BillKind::Monthly,
            period: month.to_string(),
            amount,
            fiscal_share: Money::ZERO,
            due_date: due.date,
            due_provisional: due.provisional,
            declarations: lines
                .iter()
                .map(|l| NewDeclaration {
                    enrollment_id: l.enrollment_id,
                    month,
                    declared_wage: l.declared_wage,
                    base: l.base,
                    rate: l.rate,
                    premium: l.premium,
                })
                .collect(),
            ledger: tx,
        };
        Ok((bill, lines))
    }

    /// Days of cover bought under a scheme billed by the day (益鹭保): the
    /// buyer's share and the fiscal share on one bill, the fiscal share to
    /// the subsidy receivable. Due on the first day bought.
    pub fn buy_days(
        &self,
        actor: &Actor,
        person: &ResidentId,
        scheme_id: &SchemeId,
        first_day: Date,
        days: u32,
    ) -> Result<IssuedBill, AppError> {
        actor.authorize(Action::BuyDays)?;
        actor.require_own(
            actor.reaches(person, None),
            "resident_id",
            "a worker buys days for themself only",
        )?;
        let today = coverage::date_in_china(self.now());
        if first_day <= today {
            return Err(AppError::invalid(
                "first_day",
                format!(
                    "{first_day}; days start after today ({today}): cover is never bought backwards"
                ),
            ));
        }
        if !(1..=366).contains(&days) {
            return Err(AppError::invalid(
                "days",
                format!("{days}; 1 to 366 days at a time"),
            ));
        }
        let scheme = self.scheme(scheme_id)?;
        let enrollment = self
            .store
            .enrollments_of_person(person)?
            .into_iter()
            .find(|e| &e.scheme_id == scheme_id && contains(e, first_day))
            .ok_or_else(|| {
                AppError::invalid(
                    "first_day",
                    format!(
                        "{} is not enrolled in {scheme_id} on {first_day}",
                        person.masked()
                    ),
                )
            })?;
        let premium = billing::daily_premium(&self.policy, scheme, days, first_day)?;
        let fiscal = premium
            .shares
            .iter()
            .filter(|(p, _)| *p == PremiumPayer::Fiscal)
            .fold(Money::ZERO, |t, (_, m)| t.checked_add(*m).expect("fen"));
        let last_day = first_day
            .checked_add(i64::from(days - 1).days())
            .map_err(|e| AppError::invalid("days", e.to_string()))?;
        // Issue 13: days already bought are not sold again.
        self.refuse_days_bought(person, scheme_id, first_day, last_day)?;
        let reference_text = declaration::days_bill_reference(first_day, enrollment.id, days);
        let tx = ledger::bill_issued(
            IdempotencyKey::parse(&format!("bill:{reference_text}"))?,
            reference(reference_text.clone())?,
            &premium.shares,
        )?;
        let bill = NewBill {
            reference: reference_text.clone(),
            unit: enrollment.unit,
            person: Some(*person),
            scheme_id: scheme_id.to_owned(),
            kind: BillKind::Daily,
            period: format!("{first_day}..{last_day}"),
            amount: premium.gross,
            fiscal_share: fiscal,
            due_date: first_day,
            due_provisional: false,
            declarations: Vec::new(),
            ledger: tx,
        };
        let bill_id = self
            .store
            .issue_bill(&bill, &actor.audit_name(), self.now())?;
        Ok(IssuedBill {
            bill_id,
            reference: reference_text,
            amount: premium.gross,
            fiscal_share: fiscal,
            due_date: first_day,
            due_provisional: false,
            lines: Vec::new(),
        })
    }

    /// A bill found by its reference, in the actor's scope.
    pub fn bill_by_reference(
        &self,
        actor: &Actor,
        reference_text: &str,
    ) -> Result<Option<BillRecord>, AppError> {
        actor.authorize(Action::ReadBills)?;
        let Some(bill) = self.store.bill_by_reference(reference_text)? else {
            return Ok(None);
        };
        let reached = match &bill.person {
            Some(p) => actor.reaches(p, bill.status.unit.as_ref()),
            None => actor.reaches_unit(bill.status.unit.as_ref()),
        };
        Ok(reached.then(|| bill_record_of(&bill)))
    }

    /// A bill found by its reference, for the use cases here.
    pub(crate) fn find_bill(&self, reference_text: &str) -> Result<Option<BillRecord>, AppError> {
        Ok(self
            .store
            .bill_by_reference(reference_text)?
            .map(|b| bill_record_of(&b)))
    }

    fn bill_record(&self, bill_id: i64) -> Result<(BillStatus, BillRecord), AppError> {
        let bill = self.store.bill(bill_id)?;
        let record = bill_record_of(&bill);
        Ok((bill.status, record))
    }

    /// A bill with what is paid and outstanding, in the actor's scope.
    pub fn bill_status(&self, actor: &Actor, bill_id: i64) -> Result<BillStatus, AppError> {
        actor.authorize(Action::ReadBills)?;
        let bill = self.store.bill(bill_id)?;
        let reached = match &bill.person {
            Some(p) => actor.reaches(p, bill.status.unit.as_ref()),
            None => actor.reaches_unit(bill.status.unit.as_ref()),
        };
        actor.require_reach(reached, "bill", bill_id.to_string())?;
        Ok(bill.status)
    }

    /// An enrolment by id.
    pub(crate) fn enrollment(&self, id: i64) -> Result<StoredEnrollment, AppError> {
        self.store
            .enrollment(id)?
            .ok_or_else(|| AppError::NotFound {
                entity: "enrollment",
                key: id.to_string(),
            })
    }

    /// A payment, partial or full, with the cover it buys by the scheme's
    /// rule and its ledger transaction, in one store call. The same key
    /// again changes nothing.
    ///
    /// Cover: a month's cover (`day_after_payment` schemes) is bought by the
    /// payment that settles the bill, from the day after it, never backdated;
    /// days bought by the payment that completes the buyer's share; the
    /// ordinary insurance rests on the enrolment and order days on the orders,
    /// so their payments add no cover.
    pub fn record_payment(
        &self,
        actor: &Actor,
        req: &PaymentRequest,
    ) -> Result<PaymentReceipt, AppError> {
        actor.authorize(Action::RecordPayment)?;
        self.record_payment_as(&actor.audit_name(), req)
    }

    /// Days of cover bought and paid online by the worker themself: the
    /// bill, then the buyer's share received through the online channel
    /// (the city's share is settled by the fiscal payer apart). The days
    /// start after today: cover is never bought backwards.
    pub fn buy_and_pay_days(
        &self,
        actor: &Actor,
        person: &ResidentId,
        scheme_id: &SchemeId,
        first_day: Date,
        days: u32,
    ) -> Result<IssuedBill, AppError> {
        let bill = self.buy_days(actor, person, scheme_id, first_day, days)?;
        let own = bill
            .amount
            .checked_sub(bill.fiscal_share)
            .unwrap_or(bill.amount);
        if own.fen() > 0 {
            self.record_payment_as(
                &format!("online-payment:{}", actor.audit_name()),
                &PaymentRequest {
                    bill_id: bill.bill_id,
                    amount: own,
                    paid_on: coverage::date_in_china(self.now()),
                    idempotency_key: format!("online-{}", bill.reference),
                    payer: None,
                },
            )?;
        }
        Ok(bill)
    }

    pub(crate) fn record_payment_as(
        &self,
        who: &str,
        req: &PaymentRequest,
    ) -> Result<PaymentReceipt, AppError> {
        let (status, record) = self.bill_record(req.bill_id)?;
        let payment = self.payment_of(req, &status, &record)?;
        let covers = payment.coverage.clone();
        let recorded = self
            .store
            .record_payment_if_paid(&payment, status.paid, who, self.now());
        let outcome = match recorded {
            // Another payment of the bill was recorded since it was read
            // (another process, another request): whether this one settles
            // the bill, and so buys the cover, is decided again on what that
            // one left. Each time round another payment went in, so this ends.
            Err(StoreError::Conflict { entity: "bill", .. })
                if self.store.bill_status(req.bill_id)?.paid != status.paid =>
            {
                return self.record_payment_as(who, req);
            }
            other => other?,
        };
        let (payment_id, already_recorded) = match outcome {
            PaymentOutcome::Recorded(id) => (id, false),
            PaymentOutcome::AlreadyRecorded(id) => (id, true),
        };
        Ok(PaymentReceipt {
            payment_id,
            already_recorded,
            bill: self.store.bill_status(req.bill_id)?,
            coverage: if already_recorded { Vec::new() } else { covers },
        })
    }

    /// The payment [`App::record_payment`] records against a bill in the
    /// state `status` (its cover by the scheme's rule, its ledger
    /// transaction); nothing is written.
    pub(crate) fn payment_of(
        &self,
        req: &PaymentRequest,
        status: &BillStatus,
        record: &BillRecord,
    ) -> Result<NewPayment, AppError> {
        if req.idempotency_key.len() > 60 {
            return Err(AppError::invalid(
                "idempotency_key",
                format!(
                    "{} characters; at most 60",
                    req.idempotency_key.chars().count()
                ),
            ));
        }
        if req.amount.fen() <= 0 {
            return Err(AppError::invalid(
                "amount",
                format!("{} yuan; a payment must be more than 0.00", req.amount),
            ));
        }
        // Cover rests on the day the agency receives the money (the day it
        // is recorded), never on a date the payer states: a backdated
        // `paid_on` buys no earlier cover, and one in the future or long past
        // is refused as a mistake.
        let received_on = coverage::date_in_china(self.now());
        if req.paid_on > received_on {
            return Err(AppError::invalid(
                "paid_on",
                format!(
                    "{} is after today ({received_on}); a payment is recorded once received",
                    req.paid_on
                ),
            ));
        }
        let earliest = received_on
            .checked_sub(jiff::Span::new().days(PAID_ON_DAYS_BACK))
            .map_err(|e| AppError::invalid("paid_on", e.to_string()))?;
        if req.paid_on < earliest {
            return Err(AppError::invalid(
                "paid_on",
                format!(
                    "{} is more than {PAID_ON_DAYS_BACK} days before it is recorded ({received_on}); record a payment when it arrives",
                    req.paid_on
                ),
            ));
        }
        let scheme = self.scheme(&record.scheme_id)?;
        let default_payer = match record.kind {
            BillKind::Orders => PremiumPayer::Platform,
            _ => scheme
                .premium_payers
                .iter()
                .copied()
                .find(|p| *p != PremiumPayer::Fiscal)
                .unwrap_or(PremiumPayer::Unit),
        };
        let payer = req.payer.unwrap_or(default_payer);
        let payment_ref = reference(req.idempotency_key.clone())?;
        let paid_after = status.paid.checked_add(req.amount).expect("fen");
        let mut covers = Vec::new();
        match (record.kind, scheme.cover_starts) {
            (BillKind::Monthly, CoverStart::DayAfterPayment)
                if paid_after >= status.amount && status.paid < status.amount =>
            {
                let unit = status
                    .unit
                    .ok_or_else(|| AppError::invalid("bill", "a monthly bill without a unit"))?;
                let enrollments = self
                    .store
                    .enrollments_of_unit(&unit, Some(&record.scheme_id))?;
                for d in self.store.declarations_of_bill(req.bill_id)? {
                    let e = enrollments
                        .iter()
                        .find(|e| e.id == d.enrollment_id)
                        .ok_or_else(|| AppError::NotFound {
                            entity: "enrollment",
                            key: d.enrollment_id.to_string(),
                        })?;
                    let source = CoverSource::MonthPaid {
                        payment: payment_ref.clone(),
                        month: d.month,
                        paid_on: received_on,
                    };
                    covers.extend(self.covers_of(scheme, e, source, "month_paid")?);
                }
            }
            (BillKind::Daily, CoverStart::DaysBought) if payer != PremiumPayer::Fiscal => {
                let buyer_share = status.amount.checked_sub(record.fiscal_share).expect("fen");
                if paid_after >= buyer_share && status.paid < buyer_share {
                    let enrollment_id = declaration::enrollment_of_days_reference(
                        &status.reference,
                    )
                    .ok_or_else(|| {
                        AppError::invalid(
                            "bill",
                            format!("reference {} names no enrollment", status.reference),
                        )
                    })?;
                    let e = self.enrollment(enrollment_id)?;
                    let (first, last) = record
                        .period
                        .split_once("..")
                        .and_then(|(a, b)| Some((a.parse::<Date>().ok()?, b.parse::<Date>().ok()?)))
                        .ok_or_else(|| {
                            AppError::invalid(
                                "bill",
                                format!("period {} is not a range of days", record.period),
                            )
                        })?;
                    let days = u32::try_from((last - first).get_days() + 1).unwrap_or(0);
                    let source = CoverSource::DaysBought {
                        payment: payment_ref.clone(),
                        first_day: first,
                        days,
                        paid_on: received_on,
                    };
                    covers.extend(self.covers_of(scheme, &e, source, "days_bought")?);
                }
            }
            _ => {}
        }
        let tx = ledger::payment_received(
            IdempotencyKey::parse(&format!("pay:{}", req.idempotency_key))?,
            payment_ref,
            reference(status.reference.clone())?,
            payer,
            req.amount,
        )?;
        Ok(NewPayment {
            bill_id: req.bill_id,
            amount: req.amount,
            paid_on: req.paid_on,
            idempotency_key: req.idempotency_key.clone(),
            coverage: covers,
            ledger: tx,
        })
    }

    /// The cover rows one source buys for an enrolment, by
    /// `coverage::derive_coverage`.
    fn covers_of(
        &self,
        scheme: &Scheme,
        e: &StoredEnrollment,
        source: CoverSource,
        basis: &str,
    ) -> Result<Vec<NewCover>, AppError> {
        // FIXME(domain): `coverage::Enrollment.unit` is required, but people
        // may enrol themselves (no unit); their cover is derived under a
        // stand-in and stored without a unit.
        let unit = match e.unit {
            Some(u) => u,
            None => stand_in_unit()?,
        };
        let derived = coverage::derive_coverage(
            scheme,
            &Enrollment {
                id: reference(format!("E{}", e.id))?,
                person: e.person,
                unit,
                scheme_id: e.scheme_id.clone(),
                starts_on: e.start,
                last_day: e.last_day,
            },
            &[source],
        )?;
        Ok(derived
            .intervals
            .iter()
            .map(|i| NewCover {
                person: e.person,
                unit: e.unit,
                scheme_id: e.scheme_id.clone(),
                enrollment_id: Some(e.id),
                basis: basis.to_owned(),
                start: i.first_day,
                end: i.last_day,
            })
            .collect())
    }

    /// Bills due before `as_of` with something outstanding.
    pub fn arrears(&self, actor: &Actor, as_of: Date) -> Result<Vec<BillStatus>, AppError> {
        actor.authorize(Action::ReadArrears)?;
        Ok(self.store.arrears(as_of)?)
    }

    /// The bills in arrears with the late fee each has run up by `as_of`
    /// (工伤保险条例 Art 62(1), 社会保险法 Art 86: 0.05% a day of what is
    /// outstanding, from the day after the due date; issue 17). A unit's
    /// bills only: a worker's own days are bought before they start.
    /// Whether the platform pilot charges the same fee was not verified.
    pub fn arrears_with_late_fees(
        &self,
        actor: &Actor,
        as_of: Date,
    ) -> Result<Vec<(BillStatus, Money)>, AppError> {
        let bills = self.arrears(actor, as_of)?;
        let rate = self
            .policy
            .at("national", "contribution.late_fee_daily_rate", as_of)?
            .rate();
        Ok(bills
            .into_iter()
            .map(|b| {
                let fee = if b.unit.is_some() {
                    gongshang_rules::late_fee::late_fee(b.outstanding, b.due_date, as_of, rate)
                } else {
                    Money::ZERO
                };
                (b, fee)
            })
            .collect())
    }

    /// The monthly and order bills of a month (of one unit, or of every unit
    /// and platform), paid and outstanding. Day bills span days and are
    /// listed by `arrears` only (FIXME(store): a listing by period).
    pub fn bills_of_month(
        &self,
        actor: &Actor,
        month: Month,
        unit: Option<&CreditCode>,
    ) -> Result<Vec<BillView>, AppError> {
        actor.authorize(Action::ReadBills)?;
        let unit = match (&actor.scope, unit) {
            (Scope::All, u) => u,
            (Scope::Unit { unit: own, .. }, None) => Some(own),
            (Scope::Unit { unit: own, .. }, Some(u)) => {
                actor.require_reach(own == u, "unit", u.as_str())?;
                Some(own)
            }
            _ => {
                return Err(AppError::Forbidden {
                    action: Action::ReadArrears,
                });
            }
        };
        let mut units: Vec<CreditCode> = Vec::new();
        match unit {
            Some(u) => units.push(*u),
            None => {
                let mut page = Page::first(1000);
                loop {
                    let batch = self.store.list_units(page)?;
                    let Some(last) = batch.last() else { break };
                    page.after_id = last.id;
                    units.extend(batch.iter().map(|u| u.credit_code));
                }
            }
        }
        let monthly: Vec<&Scheme> = self
            .policy
            .schemes()
            .filter(|s| matches!(s.billing, Billing::MonthlyWage { .. }))
            .collect();
        let mut out = Vec::new();
        for u in &units {
            for s in &monthly {
                let text = declaration::monthly_bill_reference(month, u, &s.id);
                if let Some(r) = self.find_bill(&text)? {
                    out.push(self.bill_view(r)?);
                }
            }
        }
        if unit.is_none() {
            for (alias, _) in crate::orders::PLATFORM_ALIASES {
                let platform = PlatformId::parse(alias)?;
                for r in self.order_bills(&platform, month)? {
                    out.push(self.bill_view(r)?);
                }
            }
        }
        Ok(out)
    }

    pub(crate) fn bill_view(&self, r: BillRecord) -> Result<BillView, AppError> {
        Ok(BillView {
            status: self.store.bill_status(r.bill_id)?,
            kind: r.kind,
            scheme_id: r.scheme_id,
        })
    }

    // ---- coverage ----------------------------------------------------------

    /// Whether the person was covered at an instant (its date in China,
    /// UTC+8) or on a day, by any unit or by one: yes or no, the reason, and
    /// the enrolment and payment (or orders) behind it.
    pub fn coverage(
        &self,
        actor: &Actor,
        person: &ResidentId,
        at: At,
        unit: Option<&CreditCode>,
    ) -> Result<CoverageAnswer, AppError> {
        actor.authorize(Action::ReadCoverage)?;
        // A unit asks of its own cover only (its enrolments and, for a
        // platform, its order days): nothing of the person's other units
        // shows. A worker asks of themself.
        let platform_only = actor.platform().cloned();
        let unit = match &actor.scope {
            Scope::All => unit,
            Scope::Unit { unit: own, .. } => {
                if let Some(u) = unit {
                    actor.require_reach(own == u, "unit", u.as_str())?;
                }
                Some(own)
            }
            Scope::Person(me) => {
                actor.require_reach(me == person, "person", person.masked())?;
                unit
            }
            Scope::StatisticsOnly | Scope::Partner(_) => {
                return Err(AppError::Forbidden {
                    action: Action::ReadCoverage,
                });
            }
        };
        self.coverage_answer(person, at, unit, platform_only.as_ref())
    }

    /// The coverage answer of a person (of one unit's enrolments and one
    /// platform's order days if given), for the use cases here.
    pub(crate) fn coverage_answer(
        &self,
        person: &ResidentId,
        at: At,
        unit: Option<&CreditCode>,
        platform_only: Option<&PlatformId>,
    ) -> Result<CoverageAnswer, AppError> {
        let day = match at {
            At::Instant(t) => coverage::date_in_china(t),
            At::Day(d) => d,
        };
        // One statement: the enrolments and the stored covers (a platform
        // worker covered by order days need not be registered).
        let read = self
            .store
            .coverage_of_person(person, day, unit, platform_only)?;
        let enrollments: Vec<StoredEnrollment> = read
            .enrollments
            .into_iter()
            .filter(|e| unit.is_none() || e.unit.as_ref() == unit)
            .collect();
        let mut covers = Vec::new();
        for e in &enrollments {
            let Ok(scheme) = self.policy.scheme(&e.scheme_id) else {
                continue;
            };
            if scheme.cover_starts == CoverStart::Enrollment && contains(e, day) {
                covers.push(CoverFound {
                    scheme_id: e.scheme_id.clone(),
                    unit: e.unit.map(|u| u.as_str().to_owned()),
                    enrollment: Some(e.into()),
                    payment_id: None,
                    platform: None,
                    basis: "enrollment".into(),
                    start: e.start,
                    end: e.last_day.unwrap_or(coverage::OPEN_END),
                });
            }
        }
        for c in read.covers {
            let (payment_id, platform) = match &c.proof {
                CoverProof::Payment(id) => (Some(*id), None),
                CoverProof::OrdersOnPlatform(p) => (None, Some(p.as_str().to_owned())),
                CoverProof::None => (None, None),
            };
            covers.push(CoverFound {
                scheme_id: c.scheme_id.clone(),
                unit: c.unit.map(|u| u.as_str().to_owned()),
                enrollment: c
                    .enrollment_id
                    .and_then(|id| enrollments.iter().find(|e| e.id == id))
                    .map(EnrollmentView::from),
                payment_id,
                platform,
                basis: c.basis,
                start: c.start,
                end: c.end,
            });
        }
        let reason = if !covers.is_empty() {
            CoverageReason::Covered
        } else if enrollments.is_empty() {
            CoverageReason::NotEnrolled
        } else if enrollments.iter().any(|e| contains(e, day)) {
            CoverageReason::NotPaid
        } else if enrollments.iter().all(|e| day < e.start) {
            CoverageReason::BeforeEnrollment
        } else {
            CoverageReason::AfterEnrollment
        };
        Ok(CoverageAnswer {
            person: person.masked(),
            day,
            unit: unit.map(|u| u.as_str().to_owned()),
            covered: !covers.is_empty(),
            reason,
            covers,
            enrollments: enrollments.iter().map(EnrollmentView::from).collect(),
        })
    }
}

/// A valid code standing in for "no unit" where the domain needs one (see
/// [`App::covers_of`]); never stored.
fn stand_in_unit() -> Result<CreditCode, AppError> {
    use gongshang_domain::ids::{credit_check_character, organisation_check_character};
    let body = *b"00000001";
    let org = organisation_check_character(&body)
        .ok_or_else(|| AppError::invalid("unit", "no organisation check character"))?;
    let first17 = format!("91350200{}{org}", std::str::from_utf8(&body).unwrap_or("0"));
    let bytes: [u8; 17] = first17
        .as_bytes()
        .try_into()
        .map_err(|_| AppError::invalid("unit", "17 characters expected"))?;
    let check = credit_check_character(&bytes)
        .ok_or_else(|| AppError::invalid("unit", "no credit check character"))?;
    Ok(CreditCode::parse(&format!("{first17}{check}"))?)
}

fn bill_record_of(bill: &StoredBill) -> BillRecord {
    BillRecord {
        bill_id: bill.status.bill_id,
        reference: bill.status.reference.clone(),
        kind: bill.kind,
        scheme_id: bill.scheme_id.clone(),
        period: bill.status.period.clone(),
        fiscal_share: bill.fiscal_share,
    }
}
