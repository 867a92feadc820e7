//! The platform pilot's payout ratio (支缴率 = benefits paid ÷ premiums
//! collected; issue 12) read from the ledger, one source of truth for the
//! view and for the yearly rate float that [`App::bill_orders`] applies
//! (人社部发〔2025〕24号 Art 9; 人社厅函〔2025〕79号).
//!
//! A platform is its order files' id (`eleme`), which it keeps when it is
//! renamed (饿了么 → 淘宝闪购 from 2026-07-01): its history is keyed by that
//! id, and only the name shown follows the month.

use std::collections::BTreeMap;

use gongshang_domain::ids::PlatformId;
use gongshang_domain::month::Month;
use gongshang_rules::billing;
use gongshang_rules::{Money, Rate};
use gongshang_store::ORDER_SCHEME_ID;
use gongshang_store::fund::PlatformPayoutMonth;
use serde::Serialize;

use crate::actor::{Action, Actor, Scope};
use crate::error::AppError;
use crate::orders::PLATFORM_ALIASES;
use crate::services::App;

/// A platform's month (or year) of premiums and benefits, and its ratio.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PayoutRatioRow {
    /// The order files' id: the platform's identity.
    pub platform: String,
    /// Its name in the scheme on the period's last day (淘宝闪购 from
    /// 2026-07, 饿了么 before).
    pub platform_name: String,
    /// `YYYY-MM`, or `YYYY` for a year.
    pub period: String,
    pub billed: Money,
    pub collected: Money,
    pub benefits: Money,
    /// Benefits ÷ collected, exact; none when nothing was collected.
    pub ratio: Option<Rate>,
}

impl PayoutRatioRow {
    /// The ratio as a percentage to two decimals (half away from zero), `—`
    /// when there is none.
    pub fn ratio_text(&self) -> String {
        match self.ratio {
            Some(r) => {
                let bp = Money::from_fen(10_000).mul_rate(r).fen();
                format!("{}.{:02}%", bp / 100, bp % 100)
            }
            None => "—".to_owned(),
        }
    }
}

/// The payout ratios of a range of months: each platform's months, and its
/// calendar years (the float reads the prior year's).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PayoutRatios {
    pub from: String,
    pub to: String,
    pub months: Vec<PayoutRatioRow>,
    pub years: Vec<PayoutRatioRow>,
}

/// What the float of a platform's month reads from the ledger.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct FloatInputs {
    /// The prior calendar year's benefits ÷ collected.
    pub prior_year_ratio: Option<Rate>,
    pub prior_year_benefits: Money,
    pub prior_year_collected: Money,
    /// Months before the month billed with premiums billed to the platform.
    pub months_contributed: u32,
}

fn row(
    platform: &str,
    period: String,
    last_day: jiff::civil::Date,
    m: &Totals,
    policy: &gongshang_rules::PolicySet,
) -> PayoutRatioRow {
    PayoutRatioRow {
        platform: platform.to_owned(),
        platform_name: platform_name(policy, platform, last_day),
        period,
        billed: m.billed,
        collected: m.collected,
        benefits: m.benefits,
        ratio: billing::payout_ratio(m.benefits, m.collected),
    }
}

#[derive(Default)]
struct Totals {
    billed: Money,
    collected: Money,
    benefits: Money,
}

impl Totals {
    fn add(&mut self, m: &PlatformPayoutMonth) {
        self.billed = self.billed.checked_add(m.billed).expect("fen");
        self.collected = self.collected.checked_add(m.collected).expect("fen");
        self.benefits = self.benefits.checked_add(m.benefits).expect("fen");
    }
}

/// The platform's name in the scheme on `on`: by its id's scheme name and the
/// renames the scheme lists; the id itself when the scheme does not name it.
pub(crate) fn platform_name(
    policy: &gongshang_rules::PolicySet,
    platform: &str,
    on: jiff::civil::Date,
) -> String {
    let Some((_, name)) = PLATFORM_ALIASES.iter().find(|(a, _)| *a == platform) else {
        return platform.to_owned();
    };
    policy
        .scheme(&ORDER_SCHEME_ID)
        .ok()
        .and_then(|s| s.platform(name))
        .map_or_else(|| (*name).to_owned(), |p| p.name_on(on).to_owned())
}

impl App {
    /// Each platform's payout ratio by month from `from` to `to` and by
    /// calendar year over the same months, from the ledger. The agency and
    /// analysts read every platform; a platform's own users read their own
    /// only (`forbidden` for another's).
    pub fn payout_ratios(
        &self,
        actor: &Actor,
        from: Month,
        to: Month,
        platform: Option<&PlatformId>,
    ) -> Result<PayoutRatios, AppError> {
        actor.authorize(Action::ReadPayoutRatios)?;
        let only: Option<String> = match (&actor.scope, platform) {
            (Scope::All | Scope::StatisticsOnly, p) => p.map(|p| p.as_str().to_owned()),
            (
                Scope::Unit {
                    platform: Some(own),
                    ..
                },
                p,
            ) => {
                if let Some(p) = p {
                    actor.require_reach(p == own, "platform", p.as_str())?;
                }
                Some(own.as_str().to_owned())
            }
            _ => {
                return Err(AppError::Forbidden {
                    action: Action::ReadPayoutRatios,
                });
            }
        };
        if to < from {
            return Err(AppError::invalid(
                "to",
                format!("{to} is before {from}; a range runs forwards"),
            ));
        }
        let (from_text, to_text) = (from.to_string(), to.to_string());
        let mut months = Vec::new();
        let mut years: BTreeMap<(String, i16), Totals> = BTreeMap::new();
        for m in self.store.platform_payouts(&to_text)? {
            if m.month < from_text || only.as_ref().is_some_and(|p| *p != m.platform) {
                continue;
            }
            let month = Month::parse(&m.month)?;
            years
                .entry((m.platform.clone(), month.year()))
                .or_default()
                .add(&m);
            let mut t = Totals::default();
            t.add(&m);
            months.push(row(
                &m.platform,
                m.month.clone(),
                month.last_day(),
                &t,
                &self.policy,
            ));
        }
        let years = years
            .iter()
            .map(|((platform, year), t)| {
                let last = jiff::civil::date(*year, 12, 31).min(to.last_day());
                row(platform, year.to_string(), last, t, &self.policy)
            })
            .collect();
        Ok(PayoutRatios {
            from: from_text,
            to: to_text,
            months,
            years,
        })
    }

    /// What the float of `platform`'s `month` reads: the prior calendar
    /// year's ratio and the months the platform has contributed before
    /// `month` (months with premiums billed to it).
    pub(crate) fn float_inputs(
        &self,
        platform: &PlatformId,
        month: Month,
    ) -> Result<FloatInputs, AppError> {
        let prior_year = month.year() - 1;
        let mut totals = Totals::default();
        let mut months_contributed = 0u32;
        let this = month.to_string();
        for m in self.store.platform_payouts(&this)? {
            if m.platform != platform.as_str() || m.month >= this {
                continue;
            }
            if m.billed.fen() > 0 {
                months_contributed += 1;
            }
            if m.month.starts_with(&format!("{prior_year:04}-")) {
                totals.add(&m);
            }
        }
        Ok(FloatInputs {
            prior_year_ratio: billing::payout_ratio(totals.benefits, totals.collected),
            prior_year_benefits: totals.benefits,
            prior_year_collected: totals.collected,
            months_contributed,
        })
    }
}

/// The ratios as an exported table (CSV, xlsx): the months, then the years.
pub fn payout_table(r: &PayoutRatios) -> crate::export::Table {
    use crate::export::Cell;
    let headers = [
        "平台",
        "平台名称",
        "期间",
        "应缴保费",
        "实缴保费",
        "待遇支出",
        "支缴率",
    ];
    let rows = r
        .months
        .iter()
        .chain(&r.years)
        .map(|x| {
            vec![
                Cell::Text(x.platform.clone()),
                Cell::Text(x.platform_name.clone()),
                Cell::Text(x.period.clone()),
                Cell::Money(x.billed),
                Cell::Money(x.collected),
                Cell::Money(x.benefits),
                Cell::Text(x.ratio_text()),
            ]
        })
        .collect();
    crate::export::Table {
        name: format!("支缴率 {}~{}", r.from, r.to),
        headers: headers.iter().map(|h| (*h).to_owned()).collect(),
        rows,
    }
}
