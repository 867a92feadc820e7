//! Notices in Chinese: the determination decision (认定工伤决定书 /
//! 不予认定工伤决定书), the inadmissibility notice (不予受理通知书), the request
//! for missing materials (补正材料通知书) and the award sheet
//! (工伤保险待遇核定表), each as a printable HTML page and an A4 PDF.
//!
//! Pure: no IO, no clock, no environment. A notice is a view type
//! ([`model`]) that the case services fill from a case, or that is read from
//! JSON ([`Notice::from_json`]); its content is built once ([`doc`]) and drawn
//! by both renderers, so the HTML and the PDF say the same thing. The PDF
//! embeds a subset of the CJK font compiled into the crate ([`font`]).

pub mod centre;
pub mod doc;
mod examples;
pub mod font;
mod html;
pub mod model;
mod pdf;
pub mod zh;

use std::collections::BTreeSet;
use std::fmt;

pub use html::escape as escape_html;
pub use model::{
    ApplicantView, AppraisalView, AwardLineView, AwardNotice, DecisionNotice, InadmissibleNotice,
    MaterialsNotice, PaidEvery, PersonView, RemedyBodies, SchemeView, TraceStepView, UnitView,
};

/// The four notices.
#[derive(Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum NoticeKind {
    /// 认定工伤决定书 / 不予认定工伤决定书.
    Decision,
    /// 不予受理通知书.
    Inadmissible,
    /// 补正材料通知书.
    Materials,
    /// 工伤保险待遇核定表.
    Award,
}

impl NoticeKind {
    pub const ALL: [NoticeKind; 4] = [
        NoticeKind::Decision,
        NoticeKind::Inadmissible,
        NoticeKind::Materials,
        NoticeKind::Award,
    ];

    pub const fn name(self) -> &'static str {
        match self {
            NoticeKind::Decision => "decision",
            NoticeKind::Inadmissible => "inadmissible",
            NoticeKind::Materials => "materials",
            NoticeKind::Award => "award",
        }
    }

    pub fn parse(text: &str) -> Result<NoticeKind, NoticeError> {
        NoticeKind::ALL
            .into_iter()
            .find(|k| k.name() == text)
            .ok_or_else(|| NoticeError::Invalid {
                field: "kind".into(),
                value: text.to_owned(),
                allowed: "decision, inadmissible, materials or award".into(),
            })
    }
}

impl fmt::Display for NoticeKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Why a notice cannot be read or rendered.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NoticeError {
    /// The JSON does not describe a notice of that kind.
    Json { kind: NoticeKind, message: String },
    /// A field has a value the notice cannot print.
    Invalid {
        field: String,
        value: String,
        allowed: String,
    },
    /// The PDF could not be written (a defect of the font or of this crate).
    Pdf(String),
}

impl NoticeError {
    /// A stable code for programs.
    pub fn code(&self) -> &'static str {
        match self {
            NoticeError::Json { .. } => "notice_json",
            NoticeError::Invalid { .. } => "notice_invalid",
            NoticeError::Pdf(_) => "notice_pdf",
        }
    }

    /// The field at fault, where there is one.
    pub fn field(&self) -> Option<&str> {
        match self {
            NoticeError::Invalid { field, .. } => Some(field),
            _ => None,
        }
    }
}

impl fmt::Display for NoticeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            NoticeError::Json { kind, message } => {
                write!(f, "not a {kind} notice: {message}")
            }
            NoticeError::Invalid {
                field,
                value,
                allowed,
            } => write!(f, "{field} is {value:?}: allowed {allowed}"),
            NoticeError::Pdf(message) => write!(f, "cannot write the pdf: {message}"),
        }
    }
}

impl std::error::Error for NoticeError {}

/// A notice of any kind.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Notice {
    Decision(DecisionNotice),
    Inadmissible(InadmissibleNotice),
    Materials(MaterialsNotice),
    Award(AwardNotice),
}

impl From<DecisionNotice> for Notice {
    fn from(n: DecisionNotice) -> Notice {
        Notice::Decision(n)
    }
}
impl From<InadmissibleNotice> for Notice {
    fn from(n: InadmissibleNotice) -> Notice {
        Notice::Inadmissible(n)
    }
}
impl From<MaterialsNotice> for Notice {
    fn from(n: MaterialsNotice) -> Notice {
        Notice::Materials(n)
    }
}
impl From<AwardNotice> for Notice {
    fn from(n: AwardNotice) -> Notice {
        Notice::Award(n)
    }
}

fn parse<T: serde::de::DeserializeOwned>(kind: NoticeKind, text: &str) -> Result<T, NoticeError> {
    serde_json::from_str(text).map_err(|e| NoticeError::Json {
        kind,
        message: e.to_string(),
    })
}

fn not_blank(field: &str, value: &str) -> Result<(), NoticeError> {
    if value.trim().is_empty() {
        return Err(NoticeError::Invalid {
            field: field.into(),
            value: value.into(),
            allowed: "text that is not blank".into(),
        });
    }
    Ok(())
}

fn not_before(
    field: &str,
    value: jiff::civil::Date,
    other: &str,
    bound: jiff::civil::Date,
) -> Result<(), NoticeError> {
    if value < bound {
        return Err(NoticeError::Invalid {
            field: field.into(),
            value: value.to_string(),
            allowed: format!("{bound} ({other}) or later"),
        });
    }
    Ok(())
}

impl Notice {
    pub fn kind(&self) -> NoticeKind {
        match self {
            Notice::Decision(_) => NoticeKind::Decision,
            Notice::Inadmissible(_) => NoticeKind::Inadmissible,
            Notice::Materials(_) => NoticeKind::Materials,
            Notice::Award(_) => NoticeKind::Award,
        }
    }

    /// Reads a notice of `kind` from JSON (the view type's fields, unknown
    /// fields refused) and checks it.
    pub fn from_json(kind: NoticeKind, text: &str) -> Result<Notice, NoticeError> {
        let notice: Notice = match kind {
            NoticeKind::Decision => Notice::Decision(parse(kind, text)?),
            NoticeKind::Inadmissible => Notice::Inadmissible(parse(kind, text)?),
            NoticeKind::Materials => Notice::Materials(parse(kind, text)?),
            NoticeKind::Award => Notice::Award(parse(kind, text)?),
        };
        notice.validate()?;
        Ok(notice)
    }

    /// The notice as JSON, in the form [`Notice::from_json`] reads.
    pub fn to_json(&self) -> String {
        let value = match self {
            Notice::Decision(n) => serde_json::to_string_pretty(n),
            Notice::Inadmissible(n) => serde_json::to_string_pretty(n),
            Notice::Materials(n) => serde_json::to_string_pretty(n),
            Notice::Award(n) => serde_json::to_string_pretty(n),
        };
        value.expect("a notice serializes")
    }

    /// A realistic example of each kind (the CLI's `notice example`).
    pub fn example(kind: NoticeKind) -> Notice {
        examples::example(kind)
    }

    /// Every example, named after what it shows (both findings of the
    /// decision), for golden tests.
    pub fn examples() -> Vec<(&'static str, Notice)> {
        examples::all()
    }

    /// Checks what the types cannot: no blank names, dates in order, a grade
    /// of 1 to 10, no negative amount, at least one missing material.
    pub fn validate(&self) -> Result<(), NoticeError> {
        match self {
            Notice::Decision(n) => {
                not_blank("case_number", &n.case_number)?;
                not_blank("authority", &n.authority)?;
                not_blank("applicant.name", &n.applicant.name)?;
                not_blank("worker.name", &n.worker.name)?;
                not_blank("unit.name", &n.unit.name)?;
                not_blank("insured_unit.name", &n.insured_unit.name)?;
                not_blank("facts", &n.facts)?;
                not_blank("injury", &n.injury)?;
                not_before("filed_on", n.filed_on, "accident_date", n.accident_date)?;
                not_before("accepted_on", n.accepted_on, "filed_on", n.filed_on)?;
                not_before("issued_on", n.issued_on, "accepted_on", n.accepted_on)?;
            }
            Notice::Inadmissible(n) => {
                not_blank("case_number", &n.case_number)?;
                not_blank("authority", &n.authority)?;
                not_blank("applicant.name", &n.applicant.name)?;
                not_blank("worker.name", &n.worker.name)?;
                not_blank("unit.name", &n.unit.name)?;
                not_before("issued_on", n.issued_on, "filed_on", n.filed_on)?;
            }
            Notice::Materials(n) => {
                not_blank("case_number", &n.case_number)?;
                not_blank("authority", &n.authority)?;
                not_blank("applicant.name", &n.applicant.name)?;
                not_blank("worker.name", &n.worker.name)?;
                not_blank("unit.name", &n.unit.name)?;
                not_before("issued_on", n.issued_on, "filed_on", n.filed_on)?;
                if n.missing.is_empty() {
                    return Err(NoticeError::Invalid {
                        field: "missing".into(),
                        value: "[]".into(),
                        allowed: "at least one missing material".into(),
                    });
                }
            }
            Notice::Award(n) => {
                not_blank("case_number", &n.case_number)?;
                not_blank("authority", &n.authority)?;
                not_blank("worker.name", &n.worker.name)?;
                not_blank("unit.name", &n.unit.name)?;
                if let Some(a) = &n.appraisal
                    && !(1..=10).contains(&a.grade)
                {
                    return Err(NoticeError::Invalid {
                        field: "appraisal.grade".into(),
                        value: a.grade.to_string(),
                        allowed: "1 to 10 (1 is the most severe)".into(),
                    });
                }
                for (i, line) in n.lines.iter().enumerate() {
                    if line.amount.is_negative() {
                        return Err(NoticeError::Invalid {
                            field: format!("lines[{i}].amount"),
                            value: line.amount.to_string(),
                            allowed: "0.00 or more".into(),
                        });
                    }
                }
            }
        }
        Ok(())
    }

    /// The content both renderers draw.
    pub fn document(&self) -> doc::Document {
        match self {
            Notice::Decision(n) => doc::decision(n),
            Notice::Inadmissible(n) => doc::inadmissible(n),
            Notice::Materials(n) => doc::materials(n),
            Notice::Award(n) => doc::award(n),
        }
    }

    /// One self-contained printable HTML page.
    pub fn html(&self) -> String {
        html::render(&self.document())
    }

    /// An A4 PDF with the font subset embedded. Characters the font lacks
    /// print as a box; [`Notice::unsupported_chars`] names them beforehand.
    pub fn pdf(&self) -> Result<Vec<u8>, NoticeError> {
        pdf::render(&self.document()).map_err(|e| NoticeError::Pdf(e.0))
    }

    /// The characters of this notice that the embedded font cannot draw
    /// (outside GB 2312 and the fixed text), e.g. a rare character in a name.
    pub fn unsupported_chars(&self) -> BTreeSet<char> {
        self.document()
            .texts()
            .flat_map(str::chars)
            .filter(|c| !font::has_glyph(*c))
            .collect()
    }
}
