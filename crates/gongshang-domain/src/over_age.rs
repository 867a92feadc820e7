//! The written agreement (书面用工协议) with an over-age worker:
//! 《超龄劳动者基本权益保障暂行规定》第六条 (MOHRSS Order No. 56 Art 6, in force
//! 2026-07-01). It states the term, the work, the place, the hours, the pay,
//! the social insurance and the labour protection; gongshang keeps it with
//! the engagement as the evidence of the over-age worker's enrolment (the
//! agreement, not a labour contract). Pure: the dates are arguments.

use gongshang_rules::trace::Article;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::error::DomainError;

pub const ORDER_56_ART_6: Article = Article {
    zh: "《超龄劳动者基本权益保障暂行规定》第六条",
    en: "Order No. 56 Art 6",
};

/// The longest text of one of the agreement's terms, in characters.
pub const TERM_MAX_CHARS: usize = 500;

/// The agreement's terms as written.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OverAgeAgreement {
    pub signed_on: Date,
    /// 协议期限: the first day.
    pub term_start: Date,
    /// The last day; `None` for an agreement without a fixed term.
    pub term_end: Option<Date>,
    /// 工作内容
    pub work_content: String,
    /// 工作地点
    pub work_place: String,
    /// 工作时间 (and rest: 休息休假)
    pub working_hours: String,
    /// 劳动报酬: as written (amount, period, how paid).
    pub pay: String,
    /// 社会保险: what the unit insures (work-injury insurance at least, Art 15).
    pub social_insurance: String,
    /// 劳动保护 (and conditions, occupational hazard protection)
    pub labour_protection: String,
}

impl OverAgeAgreement {
    /// Each written term with its field name.
    pub fn texts(&self) -> [(&'static str, &str); 6] {
        [
            ("work_content", &self.work_content),
            ("work_place", &self.work_place),
            ("working_hours", &self.working_hours),
            ("pay", &self.pay),
            ("social_insurance", &self.social_insurance),
            ("labour_protection", &self.labour_protection),
        ]
    }
}

/// Checks an agreement before it is kept with an engagement: every term
/// written, the term's end not before its start, signed on or before its
/// start is not required (agreements are often signed on the first day or
/// later) but not after `today`, and the term within the engagement.
pub fn check_agreement(
    a: &OverAgeAgreement,
    engagement_start: Date,
    engagement_end: Option<Date>,
    today: Date,
) -> Result<(), DomainError> {
    for (field, text) in a.texts() {
        let n = text.trim().chars().count();
        if n == 0 || n > TERM_MAX_CHARS {
            return Err(DomainError::out_of_range(
                field,
                format!("{n} characters"),
                format!("1 to {TERM_MAX_CHARS} characters (Order No. 56 Art 6 asks for it)"),
            ));
        }
    }
    if let Some(end) = a.term_end
        && end < a.term_start
    {
        return Err(DomainError::out_of_range(
            "term_end",
            end,
            format!("on or after the term's start, {}", a.term_start),
        ));
    }
    if a.signed_on > today {
        return Err(DomainError::out_of_range(
            "signed_on",
            a.signed_on,
            format!("on or before today, {today}"),
        ));
    }
    if a.term_start < engagement_start {
        return Err(DomainError::out_of_range(
            "term_start",
            a.term_start,
            format!("on or after the engagement's start, {engagement_start}"),
        ));
    }
    if let Some(end) = engagement_end
        && a.term_start > end
    {
        return Err(DomainError::out_of_range(
            "term_start",
            a.term_start,
            format!("on or before the engagement's end, {end}"),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use jiff::civil::date;

    use super::*;

    pub(crate) fn agreement() -> OverAgeAgreement {
        OverAgeAgreement {
            signed_on: date(2026, 7, 1),
            term_start: date(2026, 7, 1),
            term_end: Some(date(2027, 6, 30)),
            work_content: "仓库理货".into(),
            work_place: "南京市江宁区".into(),
            working_hours: "每日8小时，每周休息2日".into(),
            pay: "每月4200元，次月10日前以货币支付".into(),
            social_insurance: "单位参加工伤保险并缴费".into(),
            labour_protection: "提供防护手套和安全鞋".into(),
        }
    }

    #[test]
    fn order56_art6_the_written_agreement_states_every_term() {
        let start = date(2026, 7, 1);
        let today = date(2026, 7, 15);
        assert_eq!(check_agreement(&agreement(), start, None, today), Ok(()));
        let field = |a: &OverAgeAgreement, end: Option<Date>| {
            check_agreement(a, start, end, today)
                .unwrap_err()
                .field()
                .map(str::to_owned)
        };
        // (what is changed, the field refused)
        type Change = Box<dyn Fn(&mut OverAgeAgreement)>;
        let rows: Vec<(Change, &str)> = vec![
            (Box::new(|a| a.work_content.clear()), "work_content"),
            (Box::new(|a| a.work_place = " ".into()), "work_place"),
            (Box::new(|a| a.working_hours.clear()), "working_hours"),
            (Box::new(|a| a.pay.clear()), "pay"),
            (Box::new(|a| a.social_insurance.clear()), "social_insurance"),
            (
                Box::new(|a| a.labour_protection = "x".repeat(501)),
                "labour_protection",
            ),
            (
                Box::new(|a| a.term_end = Some(date(2026, 6, 30))),
                "term_end",
            ),
            (Box::new(|a| a.signed_on = date(2026, 7, 16)), "signed_on"),
            (Box::new(|a| a.term_start = date(2026, 6, 30)), "term_start"),
        ];
        for (change, expected) in rows {
            let mut a = agreement();
            change(&mut a);
            assert_eq!(field(&a, None), Some(expected.to_owned()), "{expected}");
        }
        let mut late = agreement();
        late.term_start = date(2026, 9, 1);
        late.term_end = None;
        assert_eq!(
            field(&late, Some(date(2026, 8, 31))),
            Some("term_start".into())
        );
    }
}
