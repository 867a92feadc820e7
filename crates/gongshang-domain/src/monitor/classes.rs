//! The order industries' industry risk classes: each order industry of the
//! platform pilot (出行, 即时配送, 同城货运) to its division of GB/T 4754-2011
//! and that division's class in 人社部发〔2015〕71号, read from the dated
//! parameters `monitoring.order_industry.<industry>.division|class`
//! (`policies/national/order-industry-classes.toml`; 即时配送 as 邮政业,
//! class 2, is assumed). The rule `industry_class_vs_orders` compares a
//! unit's class with these.

use gongshang_rules::PolicySet;
use gongshang_rules::scheme::OrderIndustry;
use jiff::civil::Date;
use serde::Serialize;

use crate::error::DomainError;

/// Every order industry the code knows: each must have a division and a
/// class in force on the day a run evaluates.
pub const ORDER_INDUSTRIES: [OrderIndustry; 3] = OrderIndustry::ALL;

/// One order industry's division and class.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Serialize)]
pub struct OrderIndustryClass {
    pub industry: OrderIndustry,
    /// The GB/T 4754-2011 division (大类) number, e.g. 54 道路运输业.
    pub division: i64,
    /// The 71号 risk class 1-8.
    pub class: i64,
}

/// The classes of every order industry on one day.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct OrderIndustryClasses {
    pub entries: Vec<OrderIndustryClass>,
}

impl OrderIndustryClasses {
    /// The division and class of every order industry in force on `day`; a
    /// missing one is an error naming the parameter, never a guess.
    pub fn on(policy: &PolicySet, day: Date) -> Result<OrderIndustryClasses, DomainError> {
        let mut entries = Vec::with_capacity(ORDER_INDUSTRIES.len());
        for industry in ORDER_INDUSTRIES {
            let name = industry.stored_name();
            let division = policy
                .at(
                    "national",
                    &format!("monitoring.order_industry.{name}.division"),
                    day,
                )?
                .whole();
            let class = policy
                .at(
                    "national",
                    &format!("monitoring.order_industry.{name}.class"),
                    day,
                )?
                .whole();
            entries.push(OrderIndustryClass {
                industry,
                division,
                class,
            });
        }
        Ok(OrderIndustryClasses { entries })
    }

    /// The class of an order industry by its stored name; `None` for a name
    /// no order industry has (it counts toward no class).
    pub fn of(&self, stored: &str) -> Option<&OrderIndustryClass> {
        self.entries
            .iter()
            .find(|e| e.industry.stored_name() == stored)
    }
}
