//! The insured as struct-of-arrays: a region, a scheme, an industry class,
//! an age, a monthly wage and a weight per record (ten bytes), so ten
//! million people take about a hundred megabytes. Beside them, the periodic
//! benefits already in payment at the start ([`InPayment`]): an agency holds
//! thousands, not millions, so they are a plain list.

use gongshang_rules::{Money, PolicySet};
use jiff::civil::Date;

use crate::SimError;
use crate::rng::SplitMix64;

/// How a scheme bills: on the monthly wage (the employer pays) or per day
/// bought (the worker pays, the city its share).
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum SchemeBilling {
    MonthlyWage,
    PerDay,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SchemeInfo {
    pub id: String,
    pub billing: SchemeBilling,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RegionInfo {
    /// GB/T 2260 code.
    pub code: String,
    pub jurisdiction: String,
    /// The regional average monthly wage at the start (the band's basis).
    pub avg_wage: Money,
}

/// A periodic benefit's item, as the projection reads it.
#[derive(Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum PaidItem {
    /// 伤残津贴, grades 1-4 (Regulations Art 35): the worker's, ending at the
    /// retirement age, after which the fund pays only the Art 35(3)
    /// difference (an assumed share of it).
    Allowance,
    /// 生活护理费 (Art 34): the worker's, for life.
    LivingCare,
    /// 供养亲属抚恤金 (Art 39(1)(2)): a survivor's, for life or, for a child,
    /// to 18.
    Survivor,
}

impl PaidItem {
    pub const ALL: [PaidItem; 3] = [
        PaidItem::Allowance,
        PaidItem::LivingCare,
        PaidItem::Survivor,
    ];

    /// `allowance`, `living_care`, `survivor` (the population file's words).
    pub const fn as_str(self) -> &'static str {
        match self {
            PaidItem::Allowance => "allowance",
            PaidItem::LivingCare => "living_care",
            PaidItem::Survivor => "survivor",
        }
    }

    pub fn parse(text: &str) -> Option<PaidItem> {
        PaidItem::ALL.into_iter().find(|i| i.as_str() == text)
    }

    pub(crate) const fn index(self) -> usize {
        match self {
            PaidItem::Allowance => 0,
            PaidItem::LivingCare => 1,
            PaidItem::Survivor => 2,
        }
    }
}

/// A periodic benefit in payment at the start of the projection: its amount
/// a month then (what the payroll pays), the beneficiary's age in whole
/// years on the first day projected and sex (the life table's), and when it
/// stops short of death.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InPayment {
    /// Indexes into the population's regions and schemes.
    pub region: u8,
    pub scheme: u8,
    pub item: PaidItem,
    /// None: not recorded (a survivor whose resident id the agency does not
    /// hold): projected at the assumed `in_payment.survivor_age` on the
    /// female table.
    pub age: Option<u8>,
    pub female: bool,
    pub monthly: Money,
    /// The age at whose birthday the benefit stops (a child's survivor's
    /// pension: 18); none: for life (an allowance: the retirement age of the
    /// assumptions applies).
    pub stops_at_age: Option<u8>,
    /// How many such benefits the record stands for.
    pub weight: u16,
}

/// The population: tables of regions and schemes, and one entry per record
/// in each column.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Population {
    pub regions: Vec<RegionInfo>,
    pub schemes: Vec<SchemeInfo>,
    pub region: Vec<u8>,
    pub scheme: Vec<u8>,
    /// Industry class 1 to 8 (人社部发〔2015〕71号).
    pub class: Vec<u8>,
    pub age: Vec<u8>,
    /// The monthly wage in fen (to 42.9 million yuan).
    pub wage_fen: Vec<u32>,
    /// How many insured the record stands for.
    pub weight: Vec<u16>,
    /// The periodic benefits in payment at the start (none: the projection
    /// counts new claims only).
    pub in_payment: Vec<InPayment>,
}

impl Population {
    pub fn len(&self) -> usize {
        self.region.len()
    }

    pub fn is_empty(&self) -> bool {
        self.region.is_empty()
    }

    /// The insured the records stand for.
    pub fn insured(&self) -> u64 {
        self.weight.iter().map(|&w| u64::from(w)).sum()
    }

    pub fn with_capacity(n: usize) -> Population {
        Population {
            region: Vec::with_capacity(n),
            scheme: Vec::with_capacity(n),
            class: Vec::with_capacity(n),
            age: Vec::with_capacity(n),
            wage_fen: Vec::with_capacity(n),
            weight: Vec::with_capacity(n),
            ..Population::default()
        }
    }

    /// The index of a region (added when new).
    pub fn region_index(&mut self, info: RegionInfo) -> Result<u8, SimError> {
        if let Some(i) = self.regions.iter().position(|r| r.code == info.code) {
            return u8::try_from(i)
                .map_err(|_| SimError::new("population", "more than 256 regions"));
        }
        self.regions.push(info);
        u8::try_from(self.regions.len() - 1)
            .map_err(|_| SimError::new("population", "more than 256 regions"))
    }

    /// The index of a scheme (added when new).
    pub fn scheme_index(&mut self, info: SchemeInfo) -> Result<u8, SimError> {
        if let Some(i) = self.schemes.iter().position(|s| s.id == info.id) {
            return u8::try_from(i)
                .map_err(|_| SimError::new("population", "more than 256 schemes"));
        }
        self.schemes.push(info);
        u8::try_from(self.schemes.len() - 1)
            .map_err(|_| SimError::new("population", "more than 256 schemes"))
    }

    /// Appends a record; the region and scheme are indexes already added.
    pub fn push(
        &mut self,
        region: u8,
        scheme: u8,
        class: u8,
        age: u8,
        wage: Money,
        weight: u16,
    ) -> Result<(), SimError> {
        if usize::from(region) >= self.regions.len() || usize::from(scheme) >= self.schemes.len() {
            return Err(SimError::new(
                "population",
                "a record names a region or scheme not in the tables",
            ));
        }
        if !(1..=8).contains(&class) {
            return Err(SimError::new(
                "population",
                format!("industry class {class}: allowed 1 to 8"),
            ));
        }
        let wage_fen = u32::try_from(wage.fen()).map_err(|_| {
            SimError::new(
                "population",
                format!("wage {wage} yuan: allowed 0 to 42,949,672.95"),
            )
        })?;
        self.region.push(region);
        self.scheme.push(scheme);
        self.class.push(class);
        self.age.push(age);
        self.wage_fen.push(wage_fen);
        self.weight.push(weight);
        Ok(())
    }

    /// Appends a benefit in payment; its region and scheme are indexes
    /// already added.
    pub fn push_in_payment(&mut self, b: InPayment) -> Result<(), SimError> {
        if usize::from(b.region) >= self.regions.len()
            || usize::from(b.scheme) >= self.schemes.len()
        {
            return Err(SimError::new(
                "population",
                "a benefit in payment names a region or scheme not in the tables",
            ));
        }
        if b.monthly.is_negative() {
            return Err(SimError::new(
                "population",
                format!(
                    "a benefit in payment of {} yuan a month: 0.00 or more",
                    b.monthly
                ),
            ));
        }
        if let Some(age) = b.age.filter(|a| *a > 120) {
            return Err(SimError::new(
                "population",
                format!("a beneficiary aged {age}: allowed 0 to 120"),
            ));
        }
        self.in_payment.push(b);
        Ok(())
    }

    /// The benefits in payment the records stand for.
    pub fn benefits_in_payment(&self) -> u64 {
        self.in_payment.iter().map(|b| u64::from(b.weight)).sum()
    }

    /// A synthetic population of `people` records of weight 1, the same for
    /// the same seed: every region of the policies with an average wage on
    /// `on`, employees of the ordinary scheme of the region's jurisdiction
    /// (and a fifth of Xiamen's on 益鹭保), industry classes from common to
    /// rare risk, ages 18 to 64, wages around the regional average with a
    /// long upper tail. Illustrative: the shares are assumptions, not data.
    pub fn synthetic(
        policy: &PolicySet,
        people: u64,
        seed: u64,
        on: Date,
    ) -> Result<Population, SimError> {
        let mut pop = Population::with_capacity(usize::try_from(people).unwrap_or(0));
        let mut regions = Vec::new();
        for r in policy.regions() {
            if let Ok(avg) = policy.regional(&r.code, "regional.avg_monthly_wage", on) {
                let i = pop.region_index(RegionInfo {
                    code: r.code.clone(),
                    jurisdiction: r.jurisdiction.clone(),
                    avg_wage: avg.money(),
                })?;
                let ordinary = match r.jurisdiction.as_str() {
                    "guangdong" => "guangdong.employees",
                    "jiangsu" => "jiangsu.employees",
                    _ => "national.employees",
                };
                let s = pop.scheme_index(SchemeInfo {
                    id: ordinary.into(),
                    billing: SchemeBilling::MonthlyWage,
                })?;
                let daily = if r.jurisdiction == "xiamen" {
                    Some(pop.scheme_index(SchemeInfo {
                        id: "xiamen.yilubao".into(),
                        billing: SchemeBilling::PerDay,
                    })?)
                } else {
                    None
                };
                regions.push((i, s, daily, avg.money().fen()));
            }
        }
        if regions.is_empty() {
            return Err(SimError::new(
                "population",
                format!("no region has an average wage on {on}"),
            ));
        }
        // Classes 1..8: 30, 25, 15, 10, 8, 6, 4, 2 per cent.
        const CLASS_CUMULATIVE: [u64; 8] = [30, 55, 70, 80, 88, 94, 98, 100];
        let mut g = SplitMix64::new(seed);
        let n_regions = u64::try_from(regions.len()).unwrap_or(1);
        for _ in 0..people {
            let (region, ordinary, daily, avg) =
                regions[usize::try_from(g.below(n_regions)).unwrap_or(0)];
            let scheme = match daily {
                Some(d) if g.below(100) < 20 => d,
                _ => ordinary,
            };
            let c = g.below(100);
            let class = CLASS_CUMULATIVE.iter().position(|&x| c < x).unwrap_or(0) + 1;
            let age = 18 + g.below(47);
            // Per cent of the average: 40..160 with a fifth up to 460.
            let mut pct = 40 + g.below(61) + g.below(61);
            if g.below(100) < 20 {
                pct += g.below(301);
            }
            let wage = avg * i64::try_from(pct).unwrap_or(100) / 100;
            pop.region.push(region);
            pop.scheme.push(scheme);
            pop.class.push(u8::try_from(class).unwrap_or(1));
            pop.age.push(u8::try_from(age).unwrap_or(30));
            pop.wage_fen.push(u32::try_from(wage).unwrap_or(u32::MAX));
            pop.weight.push(1);
        }
        Ok(pop)
    }
}
