//! 旧伤复发 — a recurrence of a recognised work injury (《工伤保险条例》第三十八条,
//! Regulations Art 38): filed on the old case, never as a new one. Whether
//! it needs treatment is confirmed by the agreement medical institution
//! treating the worker, or, when that is disputed, by the labour-capacity
//! appraisal committee (劳社部函〔2004〕256号 第七条, MOLSS 2004 No. 256
//! item 7); the worker then has the benefits of Arts 30, 32 and 33 again.
//! Pure: the dates are arguments.

use std::fmt;
use std::str::FromStr;

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::error::DomainError;

/// Who confirmed that the recurrence needs treatment.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ConfirmingBody {
    /// 工伤保险协议医疗机构: the agreement institution treating the worker.
    AgreementInstitution,
    /// 劳动能力鉴定委员会: the labour-capacity appraisal committee (on a dispute).
    AppraisalCommittee,
}

impl ConfirmingBody {
    pub const ALL: [ConfirmingBody; 2] = [
        ConfirmingBody::AgreementInstitution,
        ConfirmingBody::AppraisalCommittee,
    ];

    /// The stored and wire name.
    pub const fn as_str(self) -> &'static str {
        match self {
            ConfirmingBody::AgreementInstitution => "agreement_institution",
            ConfirmingBody::AppraisalCommittee => "appraisal_committee",
        }
    }

    pub const fn label_zh(self) -> &'static str {
        match self {
            ConfirmingBody::AgreementInstitution => "工伤保险协议医疗机构",
            ConfirmingBody::AppraisalCommittee => "劳动能力鉴定委员会",
        }
    }

    pub const fn label_en(self) -> &'static str {
        match self {
            ConfirmingBody::AgreementInstitution => "the agreement medical institution",
            ConfirmingBody::AppraisalCommittee => "the labour-capacity appraisal committee",
        }
    }
}

impl fmt::Display for ConfirmingBody {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for ConfirmingBody {
    type Err = DomainError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        ConfirmingBody::ALL
            .into_iter()
            .find(|b| b.as_str() == s)
            .ok_or_else(|| {
                DomainError::out_of_range(
                    "confirmed_by",
                    format!("{s:?}"),
                    "agreement_institution or appraisal_committee",
                )
            })
    }
}

/// The confirmation that a recognised injury recurred and needs treatment.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Confirmation {
    /// The day the injury recurred (the treatment began).
    pub recurred_on: Date,
    pub confirmed_by: ConfirmingBody,
    /// The institution's or committee's name.
    pub confirming_body_name: String,
    pub confirmed_on: Date,
    /// The confirmation's document number.
    pub document: String,
}

/// The longest name or document number kept, in characters.
pub const TEXT_MAX_CHARS: usize = 200;

/// Checks a recurrence against the case: the recurrence is after the
/// accident and after the case's earlier recurrences, the confirmation on
/// or after the recurrence and not after `today`, names and number given.
pub fn check(
    c: &Confirmation,
    accident_date: Date,
    earlier_recurrences: &[Date],
    today: Date,
) -> Result<(), DomainError> {
    for (field, text) in [
        ("confirming_body_name", &c.confirming_body_name),
        ("document", &c.document),
    ] {
        let n = text.trim().chars().count();
        if n == 0 || n > TEXT_MAX_CHARS {
            return Err(DomainError::out_of_range(
                field,
                format!("{n} characters"),
                format!("1 to {TEXT_MAX_CHARS} characters"),
            ));
        }
    }
    if c.recurred_on <= accident_date {
        return Err(DomainError::out_of_range(
            "recurred_on",
            c.recurred_on,
            format!("after the accident of {accident_date} (a recurrence follows the injury)"),
        ));
    }
    if let Some(last) = earlier_recurrences.iter().max()
        && c.recurred_on <= *last
    {
        return Err(DomainError::out_of_range(
            "recurred_on",
            c.recurred_on,
            format!("after the case's last recurrence, of {last}"),
        ));
    }
    if c.confirmed_on < c.recurred_on {
        return Err(DomainError::out_of_range(
            "confirmed_on",
            c.confirmed_on,
            format!("on or after the recurrence of {}", c.recurred_on),
        ));
    }
    if c.confirmed_on > today {
        return Err(DomainError::out_of_range(
            "confirmed_on",
            c.confirmed_on,
            format!("on or before today, {today}"),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use jiff::civil::date;

    use super::*;

    fn confirmation(recurred_on: Date, confirmed_on: Date) -> Confirmation {
        Confirmation {
            recurred_on,
            confirmed_by: ConfirmingBody::AgreementInstitution,
            confirming_body_name: "广州市第一人民医院".into(),
            confirmed_on,
            document: "复发确认〔2026〕12号".into(),
        }
    }

    #[test]
    fn regs_art38_a_recurrence_is_after_the_accident_and_confirmed_after_it_recurred() {
        let accident = date(2025, 3, 10);
        let today = date(2026, 6, 30);
        let ok = confirmation(date(2026, 4, 1), date(2026, 4, 8));
        assert_eq!(check(&ok, accident, &[], today), Ok(()));
        let field = |c: &Confirmation, earlier: &[Date]| match check(c, accident, earlier, today) {
            Err(DomainError::InputOutOfRange { field, .. }) => field,
            other => panic!("{other:?}"),
        };
        assert_eq!(
            field(&confirmation(accident, date(2026, 4, 8)), &[]),
            "recurred_on"
        );
        assert_eq!(field(&ok, &[date(2026, 4, 1)]), "recurred_on");
        assert_eq!(
            field(&confirmation(date(2026, 4, 1), date(2026, 3, 31)), &[]),
            "confirmed_on"
        );
        assert_eq!(
            field(&confirmation(date(2026, 4, 1), date(2026, 7, 1)), &[]),
            "confirmed_on"
        );
        let mut unnamed = ok.clone();
        unnamed.confirming_body_name = "  ".into();
        assert_eq!(field(&unnamed, &[]), "confirming_body_name");
        assert_eq!(
            "appraisal_committee".parse::<ConfirmingBody>(),
            Ok(ConfirmingBody::AppraisalCommittee)
        );
        assert!("hospital".parse::<ConfirmingBody>().is_err());
    }
}
