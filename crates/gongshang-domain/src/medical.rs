//! 工伤医疗、康复、辅助器具费用 — the medical, rehabilitation and
//! assistive-device costs of an injury case, and the agency's register of
//! agreement institutions (协议机构).
//!
//! - 《工伤保险条例》第四十七条 (Regulations Art 47), 江苏省实施办法第二十三条
//!   (Jiangsu measures Art 23): the agency signs service agreements with
//!   medical, rehabilitation and assistive-device institutions and publishes
//!   the list: an [`Institution`] with its agreement's dates and whether
//!   payments to it are suspended.
//! - Art 30(2): treatment at an agreement institution; in an emergency at the
//!   nearest one. Art 30(3): costs within the catalogues of diagnosis, drugs
//!   and hospital services are paid by the fund. Art 30(6) and Jiangsu
//!   Art 24: rehabilitation at an agreement institution on an expert's
//!   confirmation. Art 31: payment continues while the recognition is under
//!   administrative review or litigation. Art 32: assistive devices the
//!   appraisal committee confirmed, paid at the State's standards. Art 48:
//!   the agency checks the costs against the agreements and catalogues.
//! - 《社会保险经办条例》第二十二条 (Decree 765 Art 22): costs settled
//!   directly with the provider, or reimbursed to a worker who advanced them,
//!   decided within 20 working days ([`reimbursement_deadline`]); Art 43:
//!   payments to a provider may be suspended ([`Hold::ProviderSuspended`]).
//!
//! Pure: [`settle`] decides a bill from the bill, the institution as
//! registered and the case's standing; dates are arguments.

use std::fmt;
use std::str::FromStr;

use gongshang_rules::Money;
use jiff::civil::Date;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::deadline::{Deadline, DeadlineKind, working_day_deadline};
use crate::error::DomainError;
use crate::holidays::HolidayCalendar;
use crate::ids::RegionCode;

// ---- the articles ----------------------------------------------------------

pub const ART_30_2: &str = "工伤保险条例 第三十条第二款 (Regulations Art 30(2))";
pub const ART_30_3: &str = "工伤保险条例 第三十条第三款 (Regulations Art 30(3))";
pub const ART_30_6: &str = "工伤保险条例 第三十条第六款 (Regulations Art 30(6))";
pub const ART_31: &str = "工伤保险条例 第三十一条 (Regulations Art 31)";
pub const ART_32: &str = "工伤保险条例 第三十二条 (Regulations Art 32)";
pub const ART_47: &str = "工伤保险条例 第四十七条 (Regulations Art 47)";
pub const ART_48: &str = "工伤保险条例 第四十八条 (Regulations Art 48)";
pub const JIANGSU_ART_24: &str =
    "江苏省实施《工伤保险条例》办法 第二十四条 (Jiangsu measures Art 24)";
pub const ART_62_2: &str = "工伤保险条例 第六十二条第二款 (Regulations Art 62(2))";
pub const DECREE_765_ART_22: &str = "社会保险经办条例 第二十二条 (Decree 765 Art 22)";
pub const DECREE_765_ART_43: &str = "社会保险经办条例 第四十三条 (Decree 765 Art 43)";

/// The longest name, reference or line description kept, in characters.
pub const TEXT_MAX_CHARS: usize = 200;
/// The most lines a bill may have.
pub const LINES_MAX: usize = 200;

// ---- the register of agreement institutions ---------------------------------

/// The agency's code of an agreement institution: 1 to 40 characters of
/// ASCII letters, digits, `-` and `_` (the region's own numbering).
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct InstitutionCode(Box<str>);

impl InstitutionCode {
    pub fn parse(text: &str) -> Result<InstitutionCode, DomainError> {
        let ok = !text.is_empty()
            && text.len() <= 40
            && text
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
        if ok {
            Ok(InstitutionCode(text.into()))
        } else {
            Err(DomainError::out_of_range(
                "institution_code",
                format!("{text:?}"),
                "1 to 40 ASCII letters, digits, '-' or '_'",
            ))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for InstitutionCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "InstitutionCode({})", self.0)
    }
}

impl fmt::Display for InstitutionCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.as_str())
    }
}

impl FromStr for InstitutionCode {
    type Err = DomainError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        InstitutionCode::parse(s)
    }
}

impl Serialize for InstitutionCode {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for InstitutionCode {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        InstitutionCode::parse(&text).map_err(serde::de::Error::custom)
    }
}

/// What an agreement covers, and what a bill is for: the three kinds of
/// agreement Art 47 names (medical, rehabilitation, assistive devices).
#[derive(Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ServiceKind {
    /// 工伤医疗: treatment of the injury (Art 30(2)-(3)).
    Medical,
    /// 工伤康复: rehabilitation (Art 30(6); Jiangsu Art 24).
    Rehabilitation,
    /// 辅助器具配置: prostheses, orthoses, wheelchairs ... (Art 32).
    AssistiveDevice,
}

impl ServiceKind {
    pub const ALL: [ServiceKind; 3] = [
        ServiceKind::Medical,
        ServiceKind::Rehabilitation,
        ServiceKind::AssistiveDevice,
    ];

    pub const fn as_str(self) -> &'static str {
        match self {
            ServiceKind::Medical => "medical",
            ServiceKind::Rehabilitation => "rehabilitation",
            ServiceKind::AssistiveDevice => "assistive_device",
        }
    }

    pub const fn label_zh(self) -> &'static str {
        match self {
            ServiceKind::Medical => "工伤医疗",
            ServiceKind::Rehabilitation => "工伤康复",
            ServiceKind::AssistiveDevice => "辅助器具配置",
        }
    }

    pub const fn label_en(self) -> &'static str {
        match self {
            ServiceKind::Medical => "medical treatment",
            ServiceKind::Rehabilitation => "rehabilitation",
            ServiceKind::AssistiveDevice => "assistive devices",
        }
    }

    /// The article under which the fund pays this kind of cost.
    pub const fn article(self) -> &'static str {
        match self {
            ServiceKind::Medical => ART_30_3,
            ServiceKind::Rehabilitation => ART_30_6,
            ServiceKind::AssistiveDevice => ART_32,
        }
    }
}

impl fmt::Display for ServiceKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for ServiceKind {
    type Err = DomainError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        ServiceKind::ALL
            .into_iter()
            .find(|k| k.as_str() == s)
            .ok_or_else(|| {
                DomainError::out_of_range(
                    "kind",
                    format!("{s:?}"),
                    "medical, rehabilitation or assistive_device",
                )
            })
    }
}

/// An agreement institution as the agency registered it (Art 47).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Institution {
    pub code: InstitutionCode,
    pub name: String,
    pub kind: ServiceKind,
    /// The pooling region whose agency signed the agreement.
    pub region: RegionCode,
    /// The first day of the agreement.
    pub agreement_from: Date,
    /// The last day of the agreement; none while it runs without an end.
    pub agreement_until: Option<Date>,
    /// Payments to the institution are suspended (Decree 765 Art 43), and why.
    pub suspended: Option<String>,
}

impl Institution {
    /// Whether the agreement was in force on `day` (the suspension of
    /// payments is apart: it holds payment, it does not end the agreement).
    pub fn agreement_in_force_on(&self, day: Date) -> bool {
        self.agreement_from <= day && self.agreement_until.is_none_or(|until| day <= until)
    }
}

/// Checks an institution before it is registered or changed: a name, an
/// agreement that does not end before it starts, a reason for a suspension.
pub fn check_institution(i: &Institution) -> Result<(), DomainError> {
    check_text("name", &i.name, true)?;
    if let Some(until) = i.agreement_until
        && until < i.agreement_from
    {
        return Err(DomainError::out_of_range(
            "agreement_until",
            until,
            format!(
                "on or after the agreement's first day, {}",
                i.agreement_from
            ),
        ));
    }
    if let Some(reason) = &i.suspended {
        check_text("suspended_reason", reason, true)?;
    }
    Ok(())
}

fn check_text(field: &'static str, text: &str, required: bool) -> Result<(), DomainError> {
    let n = text.trim().chars().count();
    if (required && n == 0) || n > TEXT_MAX_CHARS {
        return Err(DomainError::out_of_range(
            field,
            format!("{n} characters"),
            format!(
                "{} to {TEXT_MAX_CHARS} characters",
                if required { 1 } else { 0 }
            ),
        ));
    }
    Ok(())
}

// ---- a bill -----------------------------------------------------------------

/// How a bill reaches the agency (Decree 765 Art 22).
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Route {
    /// 直接结算: the provider bills the agency directly.
    Direct,
    /// 手工报销: the worker advanced the costs and claims them back; decided
    /// within 20 working days of the claim.
    ManualReimbursement,
}

impl Route {
    pub const ALL: [Route; 2] = [Route::Direct, Route::ManualReimbursement];

    pub const fn as_str(self) -> &'static str {
        match self {
            Route::Direct => "direct",
            Route::ManualReimbursement => "manual_reimbursement",
        }
    }

    pub const fn label_zh(self) -> &'static str {
        match self {
            Route::Direct => "直接结算",
            Route::ManualReimbursement => "个人垫付手工报销",
        }
    }

    pub const fn label_en(self) -> &'static str {
        match self {
            Route::Direct => "settled directly with the provider",
            Route::ManualReimbursement => "manual reimbursement of the worker",
        }
    }
}

impl fmt::Display for Route {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Route {
    type Err = DomainError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Route::ALL
            .into_iter()
            .find(|k| k.as_str() == s)
            .ok_or_else(|| {
                DomainError::out_of_range(
                    "route",
                    format!("{s:?}"),
                    "direct or manual_reimbursement",
                )
            })
    }
}

/// One line of a bill: what was provided, the part within the catalogues
/// (诊疗项目目录, 药品目录, 住院服务标准; for a device, the State's
/// standard) and the part outside them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BillLine {
    pub description: String,
    pub within_catalogue: Money,
    pub outside_catalogue: Money,
}

/// A bill of a case: who provided what, when, and for how much.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Bill {
    pub kind: ServiceKind,
    pub route: Route,
    /// The agreement institution's code; none for a provider that is not
    /// registered (an emergency at the nearest hospital).
    pub institution: Option<InstitutionCode>,
    /// The provider's name as on the bill.
    pub provider_name: String,
    /// The first and last day of the service (admission and discharge).
    pub service_from: Date,
    pub service_until: Date,
    /// Treated first at the nearest institution in an emergency (Art 30(2)).
    pub emergency: bool,
    /// The confirmation a rehabilitation (an expert's, Jiangsu Art 24) or an
    /// assistive device (the appraisal committee's, Art 32) rests on: its
    /// document number.
    pub confirmation: Option<String>,
    pub lines: Vec<BillLine>,
}

impl Bill {
    pub fn total(&self) -> Money {
        self.lines.iter().fold(Money::ZERO, |sum, l| {
            sum.checked_add(l.within_catalogue)
                .and_then(|s| s.checked_add(l.outside_catalogue))
                .unwrap_or(sum)
        })
    }
}

/// Checks a bill as entered: dates in order and not after the day it is
/// received, at least one line, no negative amount, names within bounds.
pub fn check_bill(bill: &Bill, accident_date: Date, received_on: Date) -> Result<(), DomainError> {
    check_text("provider_name", &bill.provider_name, true)?;
    if let Some(c) = &bill.confirmation {
        check_text("confirmation", c, true)?;
    }
    if bill.service_from < accident_date {
        return Err(DomainError::out_of_range(
            "service_from",
            bill.service_from,
            format!("on or after the accident of {accident_date}"),
        ));
    }
    if bill.service_until < bill.service_from {
        return Err(DomainError::out_of_range(
            "service_until",
            bill.service_until,
            format!(
                "on or after the first day of service, {}",
                bill.service_from
            ),
        ));
    }
    if bill.service_from > received_on {
        return Err(DomainError::out_of_range(
            "service_from",
            bill.service_from,
            format!("on or before the day the bill was received, {received_on}"),
        ));
    }
    if bill.lines.is_empty() || bill.lines.len() > LINES_MAX {
        return Err(DomainError::out_of_range(
            "lines",
            bill.lines.len(),
            format!("1 to {LINES_MAX} lines"),
        ));
    }
    if bill.emergency && bill.kind != ServiceKind::Medical {
        return Err(DomainError::InputConflict {
            field: "emergency",
            reason: format!(
                "an emergency (Art 30(2)) is medical treatment, not {}",
                bill.kind.label_en()
            ),
        });
    }
    let mut total = Money::ZERO;
    for line in &bill.lines {
        check_text("description", &line.description, true)?;
        for (field, amount) in [
            ("within_catalogue", line.within_catalogue),
            ("outside_catalogue", line.outside_catalogue),
        ] {
            if amount.fen() < 0 {
                return Err(DomainError::out_of_range(field, amount, "0.00 or more"));
            }
            total = total
                .checked_add(amount)
                .ok_or_else(|| DomainError::out_of_range(field, amount, "a total that fits"))?;
        }
    }
    if total.fen() == 0 {
        return Err(DomainError::out_of_range(
            "lines",
            "0.00",
            "a bill of more than 0.00",
        ));
    }
    Ok(())
}

/// The day a manual reimbursement claim is decided by: 20 working days
/// (`handling.reimbursement_working_days`) after the claim was received
/// (Decree 765 Art 22), on the holiday calendar.
pub fn reimbursement_deadline(
    calendar: &HolidayCalendar,
    received_on: Date,
    working_days: i64,
) -> Result<Deadline, DomainError> {
    working_day_deadline(
        calendar,
        DeadlineKind::ReimbursementDecision,
        received_on,
        working_days,
        0,
        DECREE_765_ART_22,
    )
}

// ---- settling a bill ------------------------------------------------------------

/// Administrative review or litigation over the recognition (Art 31).
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Dispute {
    /// 行政复议
    AdministrativeReview,
    /// 行政诉讼
    Litigation,
}

impl Dispute {
    pub const fn as_str(self) -> &'static str {
        match self {
            Dispute::AdministrativeReview => "administrative_review",
            Dispute::Litigation => "litigation",
        }
    }

    pub fn parse(s: &str) -> Option<Dispute> {
        [Dispute::AdministrativeReview, Dispute::Litigation]
            .into_iter()
            .find(|d| d.as_str() == s)
    }
}

/// Where the case stands when a bill is settled.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "standing", content = "dispute")]
pub enum CaseStanding {
    /// Recognised as a work injury (or confirmed under the platform pilot).
    Recognised,
    /// Recognised, and the recognition is under review or in court: the
    /// medical costs are still paid (Art 31).
    RecognisedUnderDispute(Dispute),
    /// Not decided yet: the bill waits.
    Undecided,
    /// Decided not to be a work injury, or closed without a recognition.
    NotRecognised,
}

/// Why a bill waits (it is neither paid nor refused).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "code")]
pub enum Hold {
    /// The case is not decided yet; costs are paid once it is recognised.
    CaseUndecided,
    /// Payments to the provider are suspended (Decree 765 Art 43).
    ProviderSuspended { reason: String },
}

impl Hold {
    pub const fn code(&self) -> &'static str {
        match self {
            Hold::CaseUndecided => "case_undecided",
            Hold::ProviderSuspended { .. } => "provider_suspended",
        }
    }

    pub const fn article(&self) -> &'static str {
        match self {
            Hold::CaseUndecided => ART_30_3,
            Hold::ProviderSuspended { .. } => DECREE_765_ART_43,
        }
    }

    pub fn reason_en(&self) -> String {
        match self {
            Hold::CaseUndecided => {
                "the case is not decided yet; the fund pays once it is recognised".to_owned()
            }
            Hold::ProviderSuspended { reason } => {
                format!("payments to the institution are suspended ({reason})")
            }
        }
    }
}

/// Why (part of) a bill is refused.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "code")]
pub enum Refusal {
    /// The case was decided not to be a work injury.
    CaseNotRecognised,
    /// The provider held no agreement (it is not registered) and it was no
    /// emergency (Art 30(2)).
    NoAgreement,
    /// The provider's agreement was not in force on the first day of service.
    AgreementNotInForce {
        agreement_from: Date,
        agreement_until: Option<Date>,
    },
    /// The institution's agreement is for another kind of service.
    WrongKind { agreement: ServiceKind },
    /// A rehabilitation without an expert's confirmation (Jiangsu Art 24).
    RehabilitationUnconfirmed,
    /// An assistive device without the appraisal committee's confirmation (Art 32).
    DeviceUnconfirmed,
    /// The part of a line outside the catalogues (Art 30(3)) or above the
    /// State's standard for a device (Art 32).
    OutsideCatalogue,
    /// The unit had not insured the worker on the accident day, and the
    /// service began before any back-payment (or on its day): the unit pays
    /// it at the Regulations' standards, not the fund (Art 62(2)-(3)).
    EmployerPays,
}

impl Refusal {
    pub const fn code(&self) -> &'static str {
        match self {
            Refusal::CaseNotRecognised => "case_not_recognised",
            Refusal::NoAgreement => "no_agreement",
            Refusal::AgreementNotInForce { .. } => "agreement_not_in_force",
            Refusal::WrongKind { .. } => "wrong_kind",
            Refusal::RehabilitationUnconfirmed => "rehabilitation_unconfirmed",
            Refusal::DeviceUnconfirmed => "device_unconfirmed",
            Refusal::OutsideCatalogue => "outside_catalogue",
            Refusal::EmployerPays => "employer_pays",
        }
    }

    pub fn reason_en(&self) -> String {
        match self {
            Refusal::CaseNotRecognised => "the case was not recognised as a work injury".into(),
            Refusal::NoAgreement => {
                "the provider holds no agreement with the agency and it was no emergency".into()
            }
            Refusal::AgreementNotInForce {
                agreement_from,
                agreement_until,
            } => format!(
                "the agreement ran from {agreement_from} to {}, not on the first day of service",
                agreement_until.map_or("no end".to_owned(), |d| d.to_string())
            ),
            Refusal::WrongKind { agreement } => format!(
                "the institution's agreement is for {}, not this service",
                agreement.label_en()
            ),
            Refusal::RehabilitationUnconfirmed => {
                "rehabilitation needs an expert's confirmation".into()
            }
            Refusal::DeviceUnconfirmed => {
                "an assistive device needs the appraisal committee's confirmation".into()
            }
            Refusal::OutsideCatalogue => {
                "outside the catalogues and standards; the fund does not pay it".into()
            }
            Refusal::EmployerPays => {
                "the unit had not insured the worker on the accident day: the unit pays it (Regulations Art 62(2))".into()
            }
        }
    }

    pub fn reason_zh(&self) -> String {
        match self {
            Refusal::CaseNotRecognised => "未认定为工伤".into(),
            Refusal::NoAgreement => "非协议机构且非急诊".into(),
            Refusal::AgreementNotInForce { .. } => "服务之日协议不在有效期内".into(),
            Refusal::WrongKind { agreement } => {
                format!("该机构的协议为{}，与本项服务不符", agreement.label_zh())
            }
            Refusal::RehabilitationUnconfirmed => "工伤康复未经专家确认".into(),
            Refusal::DeviceUnconfirmed => "辅助器具未经劳动能力鉴定委员会确认".into(),
            Refusal::OutsideCatalogue => "超出目录、标准的部分，基金不予支付".into(),
            Refusal::EmployerPays => "事故发生时用人单位未参加工伤保险，由用人单位支付".into(),
        }
    }

    /// The article the refusal rests on.
    pub const fn article(&self) -> &'static str {
        match self {
            Refusal::CaseNotRecognised => ART_30_3,
            Refusal::NoAgreement | Refusal::AgreementNotInForce { .. } => ART_30_2,
            Refusal::WrongKind { .. } => ART_47,
            Refusal::RehabilitationUnconfirmed => JIANGSU_ART_24,
            Refusal::DeviceUnconfirmed => ART_32,
            Refusal::OutsideCatalogue => ART_48,
            Refusal::EmployerPays => ART_62_2,
        }
    }
}

/// One line as settled: what the fund pays and what it refuses, why, and
/// the article.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SettledLine {
    /// 1, 2, ... in the bill's order.
    pub line: u32,
    pub payable: Money,
    pub refused: Money,
    /// Why the refused part is refused (none when nothing is).
    pub refusal: Option<Refusal>,
    /// The article the paid part rests on (or the refusal's, when nothing is paid).
    pub article: &'static str,
}

/// A bill settled: its lines and totals.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Settlement {
    pub lines: Vec<SettledLine>,
    pub payable: Money,
    pub refused: Money,
}

impl Settlement {
    /// The settlement of a bill the unit pays (Regulations Art 62(2)): what
    /// the fund would have paid is refused to the fund and named the unit's;
    /// what the fund refuses anyway keeps its reason.
    pub fn payable_by_the_unit(self) -> Settlement {
        let mut lines = self.lines;
        for l in &mut lines {
            if l.payable.fen() > 0 {
                l.refused = l.refused.checked_add(l.payable).unwrap_or(l.refused);
                l.payable = Money::ZERO;
                l.refusal = Some(Refusal::EmployerPays);
                l.article = ART_62_2;
            }
        }
        Settlement {
            lines,
            payable: Money::ZERO,
            refused: self
                .refused
                .checked_add(self.payable)
                .unwrap_or(self.refused),
        }
    }
}

/// Settles a bill (Regulations Arts 30-32, 48; Jiangsu Art 24). `institution`
/// is the registered institution the bill names (none when it names none or
/// it is not registered). Payment waits ([`Hold`]) while the case is
/// undecided or payments to the provider are suspended (Decree 765 Art 43).
/// Otherwise every line is settled: the within-catalogue part is paid by the
/// fund when the case is recognised (or under review or in court, Art 31),
/// the provider held an agreement of the bill's kind in force on the first
/// day of service or it was an emergency (Art 30(2)), and a rehabilitation
/// or device rests on its confirmation; the outside-catalogue part is
/// always refused (Art 30(3), Art 48).
pub fn settle(
    bill: &Bill,
    institution: Option<&Institution>,
    standing: CaseStanding,
) -> Result<Settlement, Hold> {
    if standing == CaseStanding::Undecided {
        return Err(Hold::CaseUndecided);
    }
    if let Some(reason) = institution.and_then(|i| i.suspended.clone()) {
        return Err(Hold::ProviderSuspended { reason });
    }
    let whole_bill_refusal = bill_refusal(bill, institution, standing);
    let paid_article = match (standing, bill.kind) {
        (CaseStanding::RecognisedUnderDispute(_), _) => ART_31,
        (_, ServiceKind::Medical) if bill.emergency && institution.is_none() => ART_30_2,
        (_, kind) => kind.article(),
    };
    let mut lines = Vec::with_capacity(bill.lines.len());
    let (mut payable, mut refused) = (Money::ZERO, Money::ZERO);
    for (n, l) in bill.lines.iter().enumerate() {
        let total = l
            .within_catalogue
            .checked_add(l.outside_catalogue)
            .unwrap_or(l.within_catalogue);
        let line = u32::try_from(n + 1).unwrap_or(u32::MAX);
        let settled = match &whole_bill_refusal {
            Some(r) => SettledLine {
                line,
                payable: Money::ZERO,
                refused: total,
                refusal: Some(r.clone()),
                article: r.article(),
            },
            None => SettledLine {
                line,
                payable: l.within_catalogue,
                refused: l.outside_catalogue,
                refusal: (l.outside_catalogue.fen() > 0).then_some(Refusal::OutsideCatalogue),
                article: if l.within_catalogue.fen() > 0 || l.outside_catalogue.fen() == 0 {
                    paid_article
                } else {
                    Refusal::OutsideCatalogue.article()
                },
            },
        };
        payable = payable.checked_add(settled.payable).unwrap_or(payable);
        refused = refused.checked_add(settled.refused).unwrap_or(refused);
        lines.push(settled);
    }
    Ok(Settlement {
        lines,
        payable,
        refused,
    })
}

/// Why the whole bill is refused, if it is.
fn bill_refusal(
    bill: &Bill,
    institution: Option<&Institution>,
    standing: CaseStanding,
) -> Option<Refusal> {
    if standing == CaseStanding::NotRecognised {
        return Some(Refusal::CaseNotRecognised);
    }
    match institution {
        None if bill.emergency && bill.kind == ServiceKind::Medical => {}
        None => return Some(Refusal::NoAgreement),
        Some(i) => {
            if i.kind != bill.kind {
                return Some(Refusal::WrongKind { agreement: i.kind });
            }
            if !i.agreement_in_force_on(bill.service_from) && !bill.emergency {
                return Some(Refusal::AgreementNotInForce {
                    agreement_from: i.agreement_from,
                    agreement_until: i.agreement_until,
                });
            }
        }
    }
    let confirmed = bill
        .confirmation
        .as_ref()
        .is_some_and(|c| !c.trim().is_empty());
    match bill.kind {
        ServiceKind::Rehabilitation if !confirmed => Some(Refusal::RehabilitationUnconfirmed),
        ServiceKind::AssistiveDevice if !confirmed => Some(Refusal::DeviceUnconfirmed),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use jiff::civil::date;

    use super::*;

    fn yuan(y: i64) -> Money {
        Money::from_yuan(y)
    }

    fn hospital(kind: ServiceKind) -> Institution {
        Institution {
            code: InstitutionCode::parse("GZ-0001").unwrap(),
            name: "广州市第一人民医院".into(),
            kind,
            region: RegionCode::parse("440100").unwrap(),
            agreement_from: date(2025, 1, 1),
            agreement_until: Some(date(2026, 12, 31)),
            suspended: None,
        }
    }

    fn bill(kind: ServiceKind, from: Date) -> Bill {
        Bill {
            kind,
            route: Route::Direct,
            institution: Some(InstitutionCode::parse("GZ-0001").unwrap()),
            provider_name: "广州市第一人民医院".into(),
            service_from: from,
            service_until: from,
            emergency: false,
            confirmation: None,
            lines: vec![
                BillLine {
                    description: "住院".into(),
                    within_catalogue: yuan(8000),
                    outside_catalogue: yuan(500),
                },
                BillLine {
                    description: "自费药品".into(),
                    within_catalogue: Money::ZERO,
                    outside_catalogue: yuan(300),
                },
            ],
        }
    }

    /// One case of the table: a name after the article, the bill, the
    /// registered institution, the standing, and what is paid or why not.
    struct Case {
        name: &'static str,
        bill: Bill,
        institution: Option<Institution>,
        standing: CaseStanding,
        expected: Result<(Money, Option<&'static str>, &'static str), &'static str>,
    }

    fn cases() -> Vec<Case> {
        let on = date(2026, 3, 2);
        let medical = || bill(ServiceKind::Medical, on);
        let mut emergency_elsewhere = medical();
        emergency_elsewhere.institution = None;
        emergency_elsewhere.provider_name = "就近医院".into();
        emergency_elsewhere.emergency = true;
        let mut unregistered = emergency_elsewhere.clone();
        unregistered.emergency = false;
        let mut rehab_confirmed = bill(ServiceKind::Rehabilitation, on);
        rehab_confirmed.confirmation = Some("康复确认〔2026〕3号".into());
        let mut device_confirmed = bill(ServiceKind::AssistiveDevice, on);
        device_confirmed.confirmation = Some("鉴定委确认〔2026〕9号".into());
        let mut suspended = hospital(ServiceKind::Medical);
        suspended.suspended = Some("核查中".into());
        vec![
            Case {
                name: "regs_art30_3_within_catalogue_paid_outside_refused",
                bill: medical(),
                institution: Some(hospital(ServiceKind::Medical)),
                standing: CaseStanding::Recognised,
                expected: Ok((yuan(8000), Some("outside_catalogue"), ART_30_3)),
            },
            Case {
                name: "regs_art30_2_emergency_at_the_nearest_unregistered_hospital_paid",
                bill: emergency_elsewhere,
                institution: None,
                standing: CaseStanding::Recognised,
                expected: Ok((yuan(8000), Some("outside_catalogue"), ART_30_2)),
            },
            Case {
                name: "regs_art30_2_no_agreement_and_no_emergency_refused",
                bill: unregistered,
                institution: None,
                standing: CaseStanding::Recognised,
                expected: Ok((Money::ZERO, Some("no_agreement"), ART_30_2)),
            },
            Case {
                name: "regs_art30_2_agreement_ended_before_the_service_refused",
                bill: bill(ServiceKind::Medical, date(2027, 1, 4)),
                institution: Some(hospital(ServiceKind::Medical)),
                standing: CaseStanding::Recognised,
                expected: Ok((Money::ZERO, Some("agreement_not_in_force"), ART_30_2)),
            },
            Case {
                name: "regs_art30_2_agreement_on_its_last_day_paid",
                bill: bill(ServiceKind::Medical, date(2026, 12, 31)),
                institution: Some(hospital(ServiceKind::Medical)),
                standing: CaseStanding::Recognised,
                expected: Ok((yuan(8000), Some("outside_catalogue"), ART_30_3)),
            },
            Case {
                name: "regs_art31_recognition_under_review_costs_still_paid",
                bill: medical(),
                institution: Some(hospital(ServiceKind::Medical)),
                standing: CaseStanding::RecognisedUnderDispute(Dispute::Litigation),
                expected: Ok((yuan(8000), Some("outside_catalogue"), ART_31)),
            },
            Case {
                name: "regs_art30_3_case_not_recognised_refused",
                bill: medical(),
                institution: Some(hospital(ServiceKind::Medical)),
                standing: CaseStanding::NotRecognised,
                expected: Ok((Money::ZERO, Some("case_not_recognised"), ART_30_3)),
            },
            Case {
                name: "regs_art30_3_case_undecided_waits",
                bill: medical(),
                institution: Some(hospital(ServiceKind::Medical)),
                standing: CaseStanding::Undecided,
                expected: Err("case_undecided"),
            },
            Case {
                name: "decree765_art43_suspended_provider_waits",
                bill: medical(),
                institution: Some(suspended),
                standing: CaseStanding::Recognised,
                expected: Err("provider_suspended"),
            },
            Case {
                name: "regs_art30_6_jiangsu_art24_rehabilitation_confirmed_paid",
                bill: rehab_confirmed,
                institution: Some(hospital(ServiceKind::Rehabilitation)),
                standing: CaseStanding::Recognised,
                expected: Ok((yuan(8000), Some("outside_catalogue"), ART_30_6)),
            },
            Case {
                name: "jiangsu_art24_rehabilitation_without_confirmation_refused",
                bill: bill(ServiceKind::Rehabilitation, on),
                institution: Some(hospital(ServiceKind::Rehabilitation)),
                standing: CaseStanding::Recognised,
                expected: Ok((
                    Money::ZERO,
                    Some("rehabilitation_unconfirmed"),
                    JIANGSU_ART_24,
                )),
            },
            Case {
                name: "regs_art47_rehabilitation_at_a_medical_agreement_refused",
                bill: {
                    let mut b = bill(ServiceKind::Rehabilitation, on);
                    b.confirmation = Some("康复确认〔2026〕3号".into());
                    b
                },
                institution: Some(hospital(ServiceKind::Medical)),
                standing: CaseStanding::Recognised,
                expected: Ok((Money::ZERO, Some("wrong_kind"), ART_47)),
            },
            Case {
                name: "regs_art32_device_confirmed_paid_at_the_standard",
                bill: device_confirmed,
                institution: Some(hospital(ServiceKind::AssistiveDevice)),
                standing: CaseStanding::Recognised,
                expected: Ok((yuan(8000), Some("outside_catalogue"), ART_32)),
            },
            Case {
                name: "regs_art32_device_without_the_committees_confirmation_refused",
                bill: bill(ServiceKind::AssistiveDevice, on),
                institution: Some(hospital(ServiceKind::AssistiveDevice)),
                standing: CaseStanding::Recognised,
                expected: Ok((Money::ZERO, Some("device_unconfirmed"), ART_32)),
            },
        ]
    }

    #[test]
    fn regs_arts_30_to_32_and_48_settle_bills_as_data() {
        for case in cases() {
            let got = settle(&case.bill, case.institution.as_ref(), case.standing);
            match (got, case.expected) {
                (Ok(s), Ok((payable, first_refusal, article))) => {
                    assert_eq!(s.payable, payable, "{}", case.name);
                    assert_eq!(
                        s.payable.checked_add(s.refused),
                        Some(case.bill.total()),
                        "{}: paid and refused add up to the bill",
                        case.name
                    );
                    assert_eq!(
                        s.lines[0].refusal.as_ref().map(Refusal::code),
                        first_refusal,
                        "{}",
                        case.name
                    );
                    assert_eq!(s.lines[0].article, article, "{}", case.name);
                    // the second line is wholly outside the catalogue
                    assert_eq!(s.lines[1].payable, Money::ZERO, "{}", case.name);
                    assert!(s.lines[1].refusal.is_some(), "{}", case.name);
                }
                (Err(hold), Err(code)) => assert_eq!(hold.code(), code, "{}", case.name),
                (got, expected) => panic!("{}: got {got:?}, expected {expected:?}", case.name),
            }
        }
    }

    #[test]
    fn decree765_art22_reimbursement_decided_within_20_working_days() {
        let calendar = HolidayCalendar::embedded().unwrap();
        // received on Friday 2026-09-25: the National Day week is off
        let d = reimbursement_deadline(&calendar, date(2026, 9, 25), 20).unwrap();
        assert!(d.working_days);
        assert_eq!(d.kind, DeadlineKind::ReimbursementDecision);
        assert_eq!(d.article, DECREE_765_ART_22);
        let mut day = date(2026, 9, 25);
        let mut counted = 0;
        while counted < 20 {
            day = day.tomorrow().unwrap();
            if calendar.is_working_day(day) {
                counted += 1;
            }
        }
        assert_eq!(d.due, day);
        assert!(
            d.due > date(2026, 10, 23),
            "the holiday week does not count"
        );
    }

    #[test]
    fn regs_art47_an_institution_is_checked_and_its_agreement_dated() {
        let i = hospital(ServiceKind::Medical);
        assert_eq!(check_institution(&i), Ok(()));
        assert!(i.agreement_in_force_on(date(2025, 1, 1)));
        assert!(!i.agreement_in_force_on(date(2024, 12, 31)));
        assert!(!i.agreement_in_force_on(date(2027, 1, 1)));
        let mut backwards = i.clone();
        backwards.agreement_until = Some(date(2024, 1, 1));
        assert!(matches!(
            check_institution(&backwards),
            Err(DomainError::InputOutOfRange {
                field: "agreement_until",
                ..
            })
        ));
        let mut silent = i.clone();
        silent.suspended = Some(" ".into());
        assert!(matches!(
            check_institution(&silent),
            Err(DomainError::InputOutOfRange {
                field: "suspended_reason",
                ..
            })
        ));
        assert!(InstitutionCode::parse("GZ 01").is_err());
        assert_eq!("assistive_device".parse(), Ok(ServiceKind::AssistiveDevice));
        assert_eq!(
            "manual_reimbursement".parse(),
            Ok(Route::ManualReimbursement)
        );
    }

    #[test]
    fn decree765_art22_a_bill_is_checked_as_entered() {
        let accident = date(2026, 2, 1);
        let on = date(2026, 3, 2);
        let ok = bill(ServiceKind::Medical, on);
        assert_eq!(check_bill(&ok, accident, on), Ok(()));
        let field = |b: &Bill| match check_bill(b, accident, on) {
            Err(DomainError::InputOutOfRange { field, .. })
            | Err(DomainError::InputConflict { field, .. }) => field,
            other => panic!("{other:?}"),
        };
        assert_eq!(
            field(&bill(ServiceKind::Medical, date(2026, 1, 31))),
            "service_from"
        );
        let mut backwards = ok.clone();
        backwards.service_until = date(2026, 3, 1);
        assert_eq!(field(&backwards), "service_until");
        let mut empty = ok.clone();
        empty.lines.clear();
        assert_eq!(field(&empty), "lines");
        let mut negative = ok.clone();
        negative.lines[0].within_catalogue = Money::from_fen(-1);
        assert_eq!(field(&negative), "within_catalogue");
        let mut rehab_emergency = bill(ServiceKind::Rehabilitation, on);
        rehab_emergency.emergency = true;
        assert_eq!(field(&rehab_emergency), "emergency");
        assert_eq!(ok.total(), yuan(8800));
    }
}
