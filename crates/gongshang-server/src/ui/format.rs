//! Small formatting helpers of the pages.

use gongshang_app::model::UnitKind;
use gongshang_rules::Money;

use super::Lang;

/// A moment as people in China read it: Beijing time (UTC+8, no daylight
/// saving), to the minute, e.g. `2026-06-30 09:00`. Every page shows times
/// so; the stored timestamps stay UTC.
pub fn china_time(t: jiff::Timestamp) -> String {
    t.to_zoned(jiff::tz::TimeZone::fixed(jiff::tz::offset(8)))
        .strftime("%Y-%m-%d %H:%M")
        .to_string()
}

/// The day of a moment in Beijing time (a record made at 20:00 UTC was made
/// the next day in China).
pub fn china_date(t: jiff::Timestamp) -> String {
    gongshang_domain::coverage::date_in_china(t).to_string()
}

/// [`china_time`] to the second (a job's start and end, seconds apart).
pub fn china_time_precise(t: jiff::Timestamp) -> String {
    t.to_zoned(jiff::tz::TimeZone::fixed(jiff::tz::offset(8)))
        .strftime("%Y-%m-%d %H:%M:%S")
        .to_string()
}

/// Yuan with thousands separators: `1,234,567.89`.
pub fn yuan(m: Money) -> String {
    let text = m.to_string();
    let (sign, digits) = match text.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", text.as_str()),
    };
    let (whole, fraction) = digits.split_once('.').unwrap_or((digits, "00"));
    let mut grouped = String::with_capacity(whole.len() + whole.len() / 3);
    for (i, c) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(c);
    }
    format!("{sign}{grouped}.{fraction}")
}

/// Whole yuan for charts (fen / 100, rounded down; integer only).
pub fn whole_yuan(m: Money) -> i64 {
    m.fen().div_euclid(100)
}

pub fn unit_kind(lang: Lang, kind: UnitKind) -> &'static str {
    match kind {
        UnitKind::Enterprise => lang.t("企业", "Enterprise"),
        UnitKind::PublicBody => lang.t("机关事业单位", "Public body"),
        UnitKind::VillageCommittee => lang.t("村（居）委会", "Village committee"),
        UnitKind::Platform => lang.t("平台企业", "Platform"),
        UnitKind::School => lang.t("学校", "School"),
        UnitKind::DomesticServiceAgency => lang.t("家政服务机构", "Domestic-service agency"),
        UnitKind::VolunteerOrganisation => lang.t("志愿服务组织", "Volunteer organisation"),
    }
}

pub fn unit_kind_text(lang: Lang, kind: &str) -> &'static str {
    match UnitKind::parse(kind) {
        Ok(k) => unit_kind(lang, k),
        Err(_) => "—",
    }
}

pub fn category(lang: Lang, c: gongshang_rules::scheme::Category) -> &'static str {
    if lang.zh() {
        c.label_zh()
    } else {
        c.label_en()
    }
}

pub fn sex(lang: Lang, s: gongshang_rules::retirement::Sex) -> &'static str {
    match s {
        gongshang_rules::retirement::Sex::Male => lang.t("男", "male"),
        gongshang_rules::retirement::Sex::Female => lang.t("女", "female"),
    }
}

pub fn bill_kind(lang: Lang, k: gongshang_app::model::BillKind) -> &'static str {
    match k {
        gongshang_app::model::BillKind::Monthly => lang.t("月度申报", "monthly"),
        gongshang_app::model::BillKind::Daily => lang.t("按日购买", "days bought"),
        gongshang_app::model::BillKind::Orders => lang.t("按单计缴", "per order"),
    }
}

/// A tag after a date counted in a year whose public-holiday arrangement is
/// not loaded (weekends only): it may move once the year is loaded.
pub fn provisional_tag(lang: Lang, provisional: bool) -> maud::Markup {
    maud::html! {
        @if provisional {
            " " span.tag.grey title=(lang.t(
                "该年度节假日安排尚未载入，暂按周末计算，载入后可能调整",
                "the holiday arrangement of this year is not loaded yet: counted over weekends only, it may move once loaded",
            )) { (lang.t("暂定", "provisional")) }
        }
    }
}

/// A form's required date, refused naming its field when empty or unread.
pub fn date_field(
    field: &'static str,
    text: &str,
) -> Result<jiff::civil::Date, gongshang_app::AppError> {
    optional_date_field(field, text)?
        .ok_or_else(|| gongshang_app::AppError::invalid(field, "is empty; choose a date"))
}

/// A form's optional date: empty is none; anything else must read as
/// YYYY-MM-DD or is refused naming its field.
pub fn optional_date_field(
    field: &'static str,
    text: &str,
) -> Result<Option<jiff::civil::Date>, gongshang_app::AppError> {
    match text.trim() {
        "" => Ok(None),
        t => t.parse().map(Some).map_err(|_| {
            gongshang_app::AppError::invalid(field, format!("{t:?} is not a date (YYYY-MM-DD)"))
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yuan_groups_thousands() {
        assert_eq!(yuan(Money::from_fen(123_456_789)), "1,234,567.89");
        assert_eq!(yuan(Money::from_fen(-100_000)), "-1,000.00");
        assert_eq!(yuan(Money::from_fen(5)), "0.05");
    }

    #[test]
    fn times_are_shown_in_beijing_time_and_a_late_utc_evening_is_the_next_day() {
        let t: jiff::Timestamp = "2026-06-30T20:30:15Z".parse().unwrap();
        assert_eq!(china_time(t), "2026-07-01 04:30");
        assert_eq!(china_time_precise(t), "2026-07-01 04:30:15");
        assert_eq!(china_date(t), "2026-07-01");
        let morning: jiff::Timestamp = "2026-06-30T01:00:00Z".parse().unwrap();
        assert_eq!(china_date(morning), "2026-06-30");
    }
}
