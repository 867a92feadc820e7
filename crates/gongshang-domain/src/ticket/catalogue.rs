//! The service centre's categories, referral bodies and service points as
//! data: `policies/xiamen/rights/service_centre.toml`, compiled in and
//! validated when loaded (a bad file is refused whole).

use std::collections::BTreeSet;
use std::fmt;
use std::str::FromStr;

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::error::DomainError;

/// The shipped file.
pub const EMBEDDED: &str = include_str!("../../../../policies/xiamen/rights/service_centre.toml");

/// Whether a value was read in an instrument or is a working value.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ValueStatus {
    Confirmed,
    Assumed,
    Illustrative,
}

/// A time limit: `days` (working days when `working_days`) from the event it
/// runs from, extendable by at most `extension_days`, with its citation.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TimeLimit {
    pub days: i64,
    pub working_days: bool,
    pub extension_days: i64,
    pub instrument: String,
    pub article: String,
    pub status: ValueStatus,
    #[serde(default)]
    pub note: String,
}

impl TimeLimit {
    /// `instrument article`, with "(assumed)" when not confirmed.
    pub fn citation(&self) -> String {
        let mut s = format!("{} {}", self.instrument, self.article);
        if self.status != ValueStatus::Confirmed {
            s.push_str(" (assumed)");
        }
        s
    }
}

/// Where a category is handled first (前端/中端/后端).
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Tier {
    /// The window answers it (前端).
    Front,
    /// Instant mediation by phone or online (中端).
    Middle,
    /// Referred by appointment (后端).
    Back,
}

impl Tier {
    pub const fn as_str(self) -> &'static str {
        match self {
            Tier::Front => "front",
            Tier::Middle => "middle",
            Tier::Back => "back",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Category {
    pub key: String,
    pub name_zh: String,
    pub name_en: String,
    pub tier: Tier,
    /// 1 is the most urgent.
    pub priority: u8,
    /// The kind of body a ticket of this category goes to when mediation
    /// fails or is not the way (`none` for a consultation).
    pub route: String,
    /// Accept (triage) the ticket within, from filing.
    pub accept: TimeLimit,
    /// Finish mediation within, from acceptance.
    #[serde(default)]
    pub mediation: Option<TimeLimit>,
    #[serde(default)]
    pub citation: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BodyKind {
    pub key: String,
    pub name_zh: String,
    pub name_en: String,
    /// The body accepts the referral within, from the referral.
    #[serde(default)]
    pub accept: Option<TimeLimit>,
    /// The body concludes within, from its acceptance.
    pub decide: TimeLimit,
    /// The body reviews a mediation agreement sent to it (an arbitration
    /// commission's review, a court's confirmation) within, from the
    /// request; `decide` when absent.
    #[serde(default)]
    pub review: Option<TimeLimit>,
}

impl BodyKind {
    /// The limit of a review of a mediation agreement by this kind of body.
    pub fn review_limit(&self) -> &TimeLimit {
        self.review.as_ref().unwrap_or(&self.decide)
    }
}

/// A named partner body (an arbitration commission, a legal-aid station...).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Body {
    pub key: String,
    pub kind: String,
    pub name_zh: String,
    pub name_en: String,
}

#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ServicePointKind {
    CentreWindow,
    UnionStation,
    LegalAidStation,
    YilubaoPoint,
    RestStop,
}

impl ServicePointKind {
    pub const fn name_zh(self) -> &'static str {
        match self {
            ServicePointKind::CentreWindow => "中心窗口",
            ServicePointKind::UnionStation => "工会调解工作站",
            ServicePointKind::LegalAidStation => "法律援助工作站",
            ServicePointKind::YilubaoPoint => "“益鹭保”服务点",
            ServicePointKind::RestStop => "爱心驿站",
        }
    }
    pub const fn name_en(self) -> &'static str {
        match self {
            ServicePointKind::CentreWindow => "Centre window",
            ServicePointKind::UnionStation => "Union mediation station",
            ServicePointKind::LegalAidStation => "Legal-aid station",
            ServicePointKind::YilubaoPoint => "Yilubao service point",
            ServicePointKind::RestStop => "Rest stop",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServicePoint {
    pub key: String,
    pub kind: ServicePointKind,
    pub name_zh: String,
    pub name_en: String,
    pub district: String,
    pub address: String,
    pub hours: String,
    pub status: ValueStatus,
    #[serde(default)]
    pub note: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DaysValue {
    pub days: i64,
    pub status: ValueStatus,
    #[serde(default)]
    pub note: String,
}

/// The whole file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Catalogue {
    pub jurisdiction: String,
    pub from: Date,
    pub source: String,
    /// Calendar days after closing within which a ticket may be reopened.
    pub reopen: DaysValue,
    /// Days before a deadline at which a ticket is escalated as near.
    pub escalation: EscalationValue,
    #[serde(rename = "category")]
    pub categories: Vec<Category>,
    #[serde(rename = "body_kind")]
    pub body_kinds: Vec<BodyKind>,
    #[serde(rename = "body")]
    pub bodies: Vec<Body>,
    #[serde(rename = "service_point")]
    pub service_points: Vec<ServicePoint>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EscalationValue {
    pub near_days: i64,
    pub status: ValueStatus,
    #[serde(default)]
    pub note: String,
}

fn bad(reason: impl Into<String>) -> DomainError {
    DomainError::InputConflict {
        field: "service_centre",
        reason: reason.into(),
    }
}

impl Catalogue {
    /// The shipped catalogue.
    pub fn embedded() -> Result<Catalogue, DomainError> {
        EMBEDDED.parse()
    }

    pub fn category(&self, key: &str) -> Result<&Category, DomainError> {
        self.categories
            .iter()
            .find(|c| c.key == key)
            .ok_or_else(|| {
                let allowed: Vec<&str> = self.categories.iter().map(|c| c.key.as_str()).collect();
                DomainError::out_of_range("category", key, allowed.join(", "))
            })
    }

    pub fn body(&self, key: &str) -> Result<&Body, DomainError> {
        self.bodies.iter().find(|b| b.key == key).ok_or_else(|| {
            let allowed: Vec<&str> = self.bodies.iter().map(|b| b.key.as_str()).collect();
            DomainError::out_of_range("body", key, allowed.join(", "))
        })
    }

    pub fn body_kind(&self, key: &str) -> Result<&BodyKind, DomainError> {
        self.body_kinds
            .iter()
            .find(|b| b.key == key)
            .ok_or_else(|| {
                let allowed: Vec<&str> = self.body_kinds.iter().map(|b| b.key.as_str()).collect();
                DomainError::out_of_range("body_kind", key, allowed.join(", "))
            })
    }

    /// Service points of a district (every district when `None`), by kind
    /// then key.
    pub fn service_points_in(&self, district: Option<&str>) -> Vec<&ServicePoint> {
        let mut out: Vec<&ServicePoint> = self
            .service_points
            .iter()
            .filter(|p| district.is_none_or(|d| p.district == d))
            .collect();
        out.sort_by(|a, b| (a.kind, &a.key).cmp(&(b.kind, &b.key)));
        out
    }

    /// The districts that have a service point, sorted.
    pub fn districts(&self) -> Vec<&str> {
        let set: BTreeSet<&str> = self
            .service_points
            .iter()
            .map(|p| p.district.as_str())
            .collect();
        set.into_iter().collect()
    }

    fn validate(&self) -> Result<(), DomainError> {
        let check_limit = |what: &str, l: &TimeLimit| {
            if l.days <= 0 || l.extension_days < 0 {
                return Err(bad(format!(
                    "{what}: days {} and extension_days {}; allowed: days more than 0, extension 0 or more",
                    l.days, l.extension_days
                )));
            }
            if l.status != ValueStatus::Confirmed && l.note.trim().is_empty() {
                return Err(bad(format!(
                    "{what}: a value that is not confirmed needs a note"
                )));
            }
            Ok(())
        };
        let mut keys = BTreeSet::new();
        for c in &self.categories {
            if !keys.insert(c.key.as_str()) {
                return Err(bad(format!("category {} appears twice", c.key)));
            }
            if !(1..=3).contains(&c.priority) {
                return Err(bad(format!(
                    "category {}: priority {}; allowed: 1 to 3",
                    c.key, c.priority
                )));
            }
            check_limit(&format!("category {} accept", c.key), &c.accept)?;
            if let Some(m) = &c.mediation {
                check_limit(&format!("category {} mediation", c.key), m)?;
            }
            if c.route != "none" && !self.body_kinds.iter().any(|k| k.key == c.route) {
                return Err(bad(format!(
                    "category {}: route {} is not a body kind",
                    c.key, c.route
                )));
            }
        }
        let mut kinds = BTreeSet::new();
        for k in &self.body_kinds {
            if !kinds.insert(k.key.as_str()) {
                return Err(bad(format!("body kind {} appears twice", k.key)));
            }
            if let Some(a) = &k.accept {
                check_limit(&format!("body kind {} accept", k.key), a)?;
            }
            check_limit(&format!("body kind {} decide", k.key), &k.decide)?;
            if let Some(r) = &k.review {
                check_limit(&format!("body kind {} review", k.key), r)?;
            }
        }
        let mut bodies = BTreeSet::new();
        for b in &self.bodies {
            if !bodies.insert(b.key.as_str()) {
                return Err(bad(format!("body {} appears twice", b.key)));
            }
            if !kinds.contains(b.kind.as_str()) {
                return Err(bad(format!(
                    "body {}: kind {} is not a body kind",
                    b.key, b.kind
                )));
            }
        }
        let mut points = BTreeSet::new();
        for p in &self.service_points {
            if !points.insert(p.key.as_str()) {
                return Err(bad(format!("service point {} appears twice", p.key)));
            }
            if p.status != ValueStatus::Confirmed && p.note.trim().is_empty() {
                return Err(bad(format!(
                    "service point {}: a value that is not confirmed needs a note",
                    p.key
                )));
            }
        }
        if self.reopen.days <= 0 || self.escalation.near_days < 0 {
            return Err(bad(
                "reopen days must be more than 0 and escalation near_days 0 or more",
            ));
        }
        Ok(())
    }
}

impl FromStr for Catalogue {
    type Err = DomainError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let c: Catalogue = toml::from_str(text).map_err(|e| bad(e.to_string()))?;
        c.validate()?;
        Ok(c)
    }
}

impl fmt::Display for Tier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
