//! The demo data set: a realistic registry built through the services, the
//! same way people would build it, deterministic from a seed.
//!
//! The demo lives in the first half of 2026 and "today" is [`DEMO_TODAY`]:
//! the holiday calendars are loaded to the end of 2026, and a fixed calendar
//! keeps the arrears, the due dates and the dashboard the same on every run.
//! While seeding, a [`DemoClock`] is set to the instant of each action (the
//! month a bill was issued, the day it was paid), so the ledger's history by
//! month is real; afterwards it runs forward in real time from
//! [`DEMO_TODAY`] at 09:00 in China.
//!
//! What is in it: the regions that have parameters under `policies/`
//! (Guangzhou, Shenzhen, Nanjing, Suzhou, Jinan, Xiamen, Beijing, Shanghai);
//! units of every kind; employees under the national, Guangdong and Jiangsu
//! ordinary insurance; over-age workers, interns, domestic workers, village
//! cadres and volunteers under the Guangdong, Jiangsu and Shandong schemes
//! for specific persons; Xiamen 益鹭保 workers buying days; platform riders
//! and drivers whose orders are imported from the platforms' files; six
//! months of declarations, bills and payments, some late, some partial, some
//! never paid.

use std::collections::HashSet;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use gongshang_domain::ids::{
    CreditCode, OrderId, PlatformId, ResidentId, credit_check_character,
    organisation_check_character, resident_check_character,
};
use gongshang_domain::month::Month;
use gongshang_rules::Money;
use gongshang_rules::SchemeId;
use gongshang_rules::scheme::{Category, OrderIndustry, PremiumPayer};

/// 益鹭保, the per-day scheme Xiamen's workers buy.
const YILUBAO: SchemeId = SchemeId::known("xiamen.yilubao");
use gongshang_store::Store;
use jiff::civil::{Date, date};
use jiff::tz::Offset;
use jiff::{Timestamp, ToSpan};

use gongshang_app::actor::Actor;

mod tickets;
use gongshang_app::{App, AppError, Clock, EnrollRequest, OrderInput, PaymentRequest, UnitInput};

/// "Today" in the demo.
pub const DEMO_TODAY: Date = date(2026, 6, 30);

/// The actor of everything the seeding does.
/// The demo's clerk, who runs the payroll.
fn clerk() -> Actor {
    Actor {
        login: "clerk".into(),
        role: gongshang_app::accounts::Role::Clerk,
        scope: gongshang_app::actor::Scope::All,
    }
}

/// Who builds the demo data set, for the audit log.
pub fn seeder() -> Actor {
    Actor::local_administrator("demo-seed")
}

/// The first and last month declared.
const FIRST_MONTH: (i16, i8) = (2026, 1);
const MONTHS: i8 = 6;

/// A clock that is set while seeding and then runs in real time.
#[derive(Debug)]
pub struct DemoClock {
    state: Mutex<(Timestamp, Option<Instant>)>,
}

impl DemoClock {
    pub fn new(at: Timestamp) -> DemoClock {
        DemoClock {
            state: Mutex::new((at, None)),
        }
    }

    /// Stops the clock at `at`.
    pub fn set(&self, at: Timestamp) {
        *self.state.lock().unwrap_or_else(|e| e.into_inner()) = (at, None);
    }

    /// Lets the clock run forward from `at`, in real time.
    pub fn run_from(&self, at: Timestamp) {
        *self.state.lock().unwrap_or_else(|e| e.into_inner()) = (at, Some(Instant::now()));
    }
}

impl Clock for DemoClock {
    fn now(&self) -> Timestamp {
        let (base, started) = *self.state.lock().unwrap_or_else(|e| e.into_inner());
        match started {
            None => base,
            Some(i) => base.checked_add(i.elapsed()).unwrap_or(base),
        }
    }
}

/// An instant on a day in China.
pub fn china_instant(day: Date, hour: i8) -> Timestamp {
    Offset::constant(8)
        .to_timestamp(day.at(hour, 0, 0, 0))
        .expect("demo dates are in range")
}

/// How big a demo to build.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct DemoOptions {
    pub seed: u64,
    /// Enrolled people to aim for (besides the platform workers).
    pub people: u32,
    /// Platform workers taking orders.
    pub platform_workers: u32,
    /// Orders per platform worker per month, on average.
    pub orders_per_worker_month: u32,
}

impl Default for DemoOptions {
    fn default() -> Self {
        DemoOptions {
            seed: 7,
            people: 10_000,
            platform_workers: 1_500,
            orders_per_worker_month: 12,
        }
    }
}

/// What was built, and how long each part took.
#[derive(Clone, Debug, Default)]
pub struct DemoReport {
    pub units: u64,
    pub people: u64,
    pub enrollments: u64,
    /// Enrolments by scheme id.
    pub by_scheme: Vec<(String, u64)>,
    pub bills: u64,
    pub payments: u64,
    pub orders: u64,
    pub day_purchases: u64,
    pub phases: Vec<(&'static str, Duration)>,
    /// A few records to show: (what, key).
    pub samples: Vec<(&'static str, String)>,
    /// What could not be built, and why (a parameter not loaded, ...).
    pub notes: Vec<String>,
    pub cases: u64,
    pub awards_approved: u64,
    /// Medical bills filed on the cases (Regulations Art 30), settled or not.
    pub medical_bills: u64,
    pub payroll_runs: u64,
    /// Tickets of the rights-protection service centre.
    pub tickets: u64,
}

impl DemoReport {
    fn count_scheme(&mut self, scheme: &str) {
        self.enrollments += 1;
        match self.by_scheme.iter_mut().find(|(s, _)| s == scheme) {
            Some((_, n)) => *n += 1,
            None => self.by_scheme.push((scheme.to_owned(), 1)),
        }
    }
}

/// SplitMix64: small, fast and the same everywhere.
struct Rng(u64);

impl Rng {
    fn new(seed: u64, stream: u64) -> Rng {
        let mut r = Rng(seed ^ stream.wrapping_mul(0x9E37_79B9_7F4A_7C15));
        r.next();
        r
    }

    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }

    fn between(&mut self, low: u64, high: u64) -> u64 {
        low + self.below(high - low + 1)
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }
}

const SURNAMES: &[&str] = &[
    "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭",
    "何", "林", "罗", "高", "郑", "梁", "谢", "宋", "唐", "许", "韩", "冯", "邓", "曹",
];
const GIVEN: &[&str] = &[
    "伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明",
    "超", "秀英", "华", "建国", "晓东", "海燕", "志强", "丽华", "文博", "思远", "雨涵", "子轩",
    "欣怡", "浩然", "梓萱", "俊杰",
];
const UNIT_WORDS: &[&str] = &[
    "华南", "东方", "新兴", "恒达", "金桥", "长江", "海港", "星河", "瑞丰", "鹏程", "宏图", "远航",
    "同心", "万家", "博雅", "嘉禾",
];
const TRADES: &[(&str, u8)] = &[
    ("物流", 4),
    ("建筑工程", 6),
    ("餐饮管理", 2),
    ("机械制造", 5),
    ("软件科技", 1),
    ("商贸", 1),
    ("运输", 4),
    ("印刷", 3),
    ("电子", 3),
    ("化工", 7),
    ("矿业", 8),
];

/// A region of the demo: its code and the ordinary insurance of its units.
struct Region {
    code: &'static str,
    city: &'static str,
    employees: &'static str,
    /// The scheme for specific persons there, if the province has one.
    specific: Option<&'static str>,
    /// Enterprises in the region.
    enterprises: u32,
}

const REGIONS: &[Region] = &[
    Region {
        code: "440100",
        city: "广州",
        employees: "guangdong.employees",
        specific: Some("guangdong.specific_persons"),
        enterprises: 16,
    },
    Region {
        code: "440300",
        city: "深圳",
        employees: "guangdong.employees",
        specific: Some("guangdong.specific_persons"),
        enterprises: 16,
    },
    Region {
        code: "320100",
        city: "南京",
        employees: "jiangsu.employees",
        specific: Some("jiangsu.over_age_and_interns"),
        enterprises: 12,
    },
    Region {
        code: "320500",
        city: "苏州",
        employees: "jiangsu.employees",
        specific: Some("jiangsu.over_age_and_interns"),
        enterprises: 12,
    },
    Region {
        code: "370100",
        city: "济南",
        employees: "national.employees",
        specific: Some("shandong.specific_workers"),
        enterprises: 10,
    },
    Region {
        code: "350200",
        city: "厦门",
        employees: "national.employees",
        specific: None,
        enterprises: 8,
    },
    Region {
        code: "110000",
        city: "北京",
        employees: "national.employees",
        specific: None,
        enterprises: 10,
    },
    Region {
        code: "310000",
        city: "上海",
        employees: "national.employees",
        specific: None,
        enterprises: 10,
    },
];

/// The platforms of the demo: alias, name, industry, province of their
/// workers, and the region of their registered office.
const PLATFORMS: &[(&str, &str, OrderIndustry, &str, &str)] = &[
    (
        "meituan",
        "北京三快在线科技有限公司（美团）",
        OrderIndustry::InstantDelivery,
        "44",
        "110000",
    ),
    (
        "eleme",
        "上海拉扎斯信息科技有限公司（饿了么）",
        OrderIndustry::InstantDelivery,
        "31",
        "310000",
    ),
    (
        "didi",
        "滴滴出行科技有限公司",
        OrderIndustry::RideHailing,
        "11",
        "110000",
    ),
    (
        "huolala",
        "深圳货拉拉科技有限公司",
        OrderIndustry::IntraCityFreight,
        "44",
        "440300",
    ),
    (
        "dada",
        "达达同城速递有限公司",
        OrderIndustry::InstantDelivery,
        "32",
        "310000",
    ),
];

/// A unit in Beijing rated in industry class 1 (software) that enrols six
/// of didi's drivers from the first demo month: its people's orders are
/// ride hailing (道路运输业, class 5), so `industry_class_vs_orders` fires.
fn seed_fleet_station(
    app: &App,
    workers: &[(ResidentId, usize)],
    report: &mut DemoReport,
) -> Result<(), AppError> {
    let didi = PLATFORMS
        .iter()
        .position(|p| p.0 == "didi")
        .unwrap_or(usize::MAX);
    // Not the first worker: the demo's rider login stays a rider only.
    let drivers: Vec<ResidentId> = workers
        .iter()
        .skip(1)
        .filter(|(_, p)| *p == didi)
        .map(|(id, _)| *id)
        .take(6)
        .collect();
    if drivers.len() < 6 {
        return Ok(());
    }
    let code = demo_credit_code("110000", 99_000_001);
    app.register_unit(
        &seeder(),
        &UnitInput {
            credit_code: code.as_str().to_owned(),
            name: "北京智行出行信息技术有限公司".to_owned(),
            kind: "enterprise".to_owned(),
            region: "110000".to_owned(),
            industry_class: "1".to_owned(),
            floating_tier: "1".to_owned(),
        },
    )?;
    report.units += 1;
    let start = date(FIRST_MONTH.0, FIRST_MONTH.1, 1);
    for person in drivers {
        let request = EnrollRequest {
            person,
            unit: Some(code),
            scheme_id: SchemeId::parse("national.employees")?,
            category: Category::Employee,
            start,
            labour_relation: true,
            commitment: None,
        };
        match app.enroll(&seeder(), &request) {
            Ok(_) => report.count_scheme("national.employees"),
            Err(AppError::NotEligible { .. }) => {}
            Err(e) => return Err(e),
        }
    }
    report
        .samples
        .push(("fleet_station", code.as_str().to_owned()));
    Ok(())
}

/// A valid credit code of a unit in `region` (`91`: an enterprise's code
/// type is used for every demo unit).
pub fn demo_credit_code(region: &str, number: u64) -> CreditCode {
    let body = format!("{:08}", number % 100_000_000);
    let org = organisation_check_character(body.as_bytes().try_into().expect("8 digits"))
        .expect("digits have a check character");
    let first17 = format!("91{region}{body}{org}");
    let check = credit_check_character(first17.as_bytes().try_into().expect("17"))
        .expect("the charset is valid");
    CreditCode::parse(&format!("{first17}{check}")).expect("a valid code")
}

/// A valid identity number.
pub fn demo_resident_id(region: &str, birth: Date, sequence: u64) -> ResidentId {
    let first17 = format!("{region}{}{:03}", birth.strftime("%Y%m%d"), sequence % 1000);
    let check = resident_check_character(first17.as_bytes().try_into().expect("17"));
    ResidentId::parse(&format!("{first17}{check}")).expect("a valid identity number")
}

/// The people of the demo, unique by identity number.
struct People {
    seen: HashSet<ResidentId>,
    sequence: u64,
}

impl People {
    /// A new person of `region` aged `age_low..=age_high` on the demo's
    /// first day, registered.
    fn register(
        &mut self,
        app: &App,
        rng: &mut Rng,
        region: &str,
        age_low: u64,
        age_high: u64,
        report: &mut DemoReport,
    ) -> Result<ResidentId, AppError> {
        let start = date(FIRST_MONTH.0, FIRST_MONTH.1, 1);
        loop {
            let days = rng.between(age_low * 365 + 10, age_high * 365 + 300);
            let birth = start
                .checked_sub((days as i64).days())
                .map_err(|e| AppError::invalid("birth", e.to_string()))?;
            self.sequence += 1;
            let id = demo_resident_id(region, birth, self.sequence);
            if !self.seen.insert(id) {
                continue;
            }
            let name = format!("{}{}", rng.pick(SURNAMES), rng.pick(GIVEN));
            app.register_person(&seeder(), id.as_str(), &name)?;
            report.people += 1;
            return Ok(id);
        }
    }
}

/// Who a unit declares in a scheme: (person, monthly wage, first day enrolled).
type Roll = Vec<(ResidentId, Money, Date)>;

/// A unit and who it declares, per scheme.
struct DemoUnit {
    code: CreditCode,
    rolls: Vec<(&'static str, Roll)>,
    /// 0..100: how reliably the unit pays (lower pays later or not at all).
    payer_grade: u64,
}

fn month_at(k: i8) -> Month {
    let mut m = Month::new(FIRST_MONTH.0, FIRST_MONTH.1).expect("a month");
    for _ in 0..k {
        m = m.next();
    }
    m
}

fn wage(rng: &mut Rng, low_yuan: u64, high_yuan: u64) -> Money {
    Money::from_fen((rng.between(low_yuan, high_yuan) * 100) as i64)
}

/// Builds the demo in `store` (fresh and migrated) and returns the services
/// over it, with the clock running from [`DEMO_TODAY`].
pub fn build_demo(
    store: Box<dyn Store>,
    options: &DemoOptions,
) -> Result<(App, std::sync::Arc<DemoClock>, DemoReport), AppError> {
    let clock = std::sync::Arc::new(DemoClock::new(china_instant(date(2025, 12, 20), 9)));
    let app = App::new(store, clock.clone())?;
    let report = seed(&app, &clock, options)?;
    clock.run_from(china_instant(DEMO_TODAY, 9));
    Ok((app, clock, report))
}

/// Seeds the demo through `app`, setting `clock` as it goes.
pub fn seed(app: &App, clock: &DemoClock, options: &DemoOptions) -> Result<DemoReport, AppError> {
    let mut report = DemoReport::default();
    let mut phase = Instant::now();
    let mut lap = |report: &mut DemoReport, name: &'static str| {
        report.phases.push((name, phase.elapsed()));
        phase = Instant::now();
    };
    let seed = options.seed;
    let start = date(FIRST_MONTH.0, FIRST_MONTH.1, 1);
    let mut people = People {
        seen: HashSet::new(),
        sequence: 0,
    };

    // ---- units -------------------------------------------------------------
    clock.set(china_instant(date(2025, 12, 20), 9));
    let mut units: Vec<DemoUnit> = Vec::new();
    let mut number = seed.wrapping_mul(7919) % 10_000_000;
    let mut register = |app: &App,
                        _rng: &mut Rng,
                        region: &str,
                        name: String,
                        kind: &str,
                        class: u8,
                        report: &mut DemoReport|
     -> Result<CreditCode, AppError> {
        number += 1;
        let code = demo_credit_code(region, number);
        // Floating tiers allowed differ by class; the benchmark tier for all.
        let tier = "1";
        app.register_unit(
            &seeder(),
            &UnitInput {
                credit_code: code.as_str().to_owned(),
                name,
                kind: kind.to_owned(),
                region: region.to_owned(),
                industry_class: class.to_string(),
                floating_tier: tier.to_owned(),
            },
        )?;
        report.units += 1;
        Ok(code)
    };
    let mut rng = Rng::new(seed, 1);
    // Employees are shared out so that the whole demo reaches `options.people`.
    let enterprises: u32 = REGIONS.iter().map(|r| r.enterprises).sum();
    let per_enterprise = (u64::from(options.people) * 78 / 100 / u64::from(enterprises)).max(4);
    for (ri, region) in REGIONS.iter().enumerate() {
        for e in 0..region.enterprises {
            let (trade, class) = *rng.pick(TRADES);
            let name = format!(
                "{}{}{}{}有限公司",
                region.city,
                rng.pick(UNIT_WORDS),
                trade,
                if e > 10 {
                    format!("{e}")
                } else {
                    String::new()
                }
            );
            let code = register(
                app,
                &mut rng,
                region.code,
                name,
                "enterprise",
                class,
                &mut report,
            )?;
            let size = rng.between(per_enterprise / 2, per_enterprise * 3 / 2);
            let mut staff = Vec::new();
            for _ in 0..size {
                let id = people.register(app, &mut rng, region.code, 20, 55, &mut report)?;
                let w = if class >= 6 {
                    wage(&mut rng, 4_500, 12_000)
                } else {
                    wage(&mut rng, 3_500, 28_000)
                };
                staff.push((id, w, start));
            }
            let mut rolls = vec![(region.employees, staff)];
            // Over-age workers kept on (the specific persons' schemes).
            if let Some(specific) = region.specific
                && rng.chance(60)
            {
                let mut old = Vec::new();
                for _ in 0..rng.between(3, 9) {
                    let id = people.register(app, &mut rng, region.code, 61, 64, &mut report)?;
                    old.push((id, wage(&mut rng, 2_600, 6_000), start));
                }
                rolls.push((specific, old));
            }
            units.push(DemoUnit {
                code,
                rolls,
                payer_grade: rng.below(100),
            });
        }
        // A public body in each region.
        let code = register(
            app,
            &mut rng,
            region.code,
            format!(
                "{}市{}局",
                region.city,
                ["人力资源和社会保障", "交通运输", "市场监督管理", "城市管理"][ri % 4]
            ),
            "public_body",
            1,
            &mut report,
        )?;
        let mut staff = Vec::new();
        for _ in 0..rng.between(25, 45) {
            let id = people.register(app, &mut rng, region.code, 24, 58, &mut report)?;
            staff.push((id, wage(&mut rng, 7_000, 18_000), start));
        }
        units.push(DemoUnit {
            code,
            rolls: vec![(region.employees, staff)],
            payer_grade: 99,
        });
    }
    // Units for the specific persons: schools, domestic-service agencies,
    // village committees and volunteer organisations.
    let specific_units: &[(&str, &str, &str, Category, u64, u64, &str)] = &[
        (
            "440100",
            "广州市白云区钟落潭镇长腰岭村民委员会",
            "village_committee",
            Category::VillageCadre,
            30,
            58,
            "guangdong.specific_persons",
        ),
        (
            "440300",
            "深圳市宝安区福永街道怀德社区居民委员会",
            "village_committee",
            Category::VillageCadre,
            30,
            58,
            "guangdong.specific_persons",
        ),
        (
            "440100",
            "广州市交通技师学院",
            "school",
            Category::Intern,
            17,
            21,
            "guangdong.specific_persons",
        ),
        (
            "440300",
            "深圳职业技术大学",
            "school",
            Category::Intern,
            18,
            22,
            "guangdong.specific_persons",
        ),
        (
            "440100",
            "广州市好帮手家政服务有限公司",
            "domestic_service_agency",
            Category::DomesticWorker,
            30,
            55,
            "guangdong.specific_persons",
        ),
        (
            "440300",
            "深圳市义工联合会",
            "volunteer_organisation",
            Category::Volunteer,
            20,
            60,
            "guangdong.specific_persons",
        ),
        (
            "320100",
            "南京工业职业技术大学",
            "school",
            Category::Intern,
            18,
            22,
            "jiangsu.over_age_and_interns",
        ),
        (
            "320500",
            "苏州工业园区职业技术学院",
            "school",
            Category::Intern,
            18,
            22,
            "jiangsu.over_age_and_interns",
        ),
        (
            "370100",
            "山东劳动职业技术学院",
            "school",
            Category::Intern,
            17,
            21,
            "shandong.specific_workers",
        ),
        (
            "370100",
            "济南阳光大姐家政服务有限公司",
            "domestic_service_agency",
            Category::DomesticWorker,
            30,
            55,
            "shandong.specific_workers",
        ),
    ];
    let mut specific_rolls: Vec<(usize, Category)> = Vec::new();
    for &(region, name, kind, category, low, high, scheme) in specific_units {
        let code = register(app, &mut rng, region, name.to_owned(), kind, 2, &mut report)?;
        let mut roll = Vec::new();
        for _ in 0..rng.between(40, 90) {
            let id = people.register(app, &mut rng, region, low, high, &mut report)?;
            roll.push((id, wage(&mut rng, 2_000, 6_000), start));
        }
        specific_rolls.push((units.len(), category));
        units.push(DemoUnit {
            code,
            rolls: vec![(scheme, roll)],
            payer_grade: rng.between(30, 99),
        });
    }
    // The platforms, registered as units.
    let mut platform_codes = Vec::new();
    for &(alias, name, _, _, region) in PLATFORMS {
        let code = register(
            app,
            &mut rng,
            region,
            name.to_owned(),
            "platform",
            3,
            &mut report,
        )?;
        // Its order bills are charged to this unit (issue 13).
        app.link_platform_unit(&seeder(), &PlatformId::parse(alias)?, &code)?;
        platform_codes.push(code);
    }
    lap(&mut report, "units and people");

    // ---- enrolments --------------------------------------------------------
    let mut specific_index = 0;
    for (ui, unit) in units.iter_mut().enumerate() {
        let category_of_roll = specific_rolls
            .get(specific_index)
            .filter(|(i, _)| *i == ui)
            .map(|(_, c)| *c);
        if category_of_roll.is_some() {
            specific_index += 1;
        }
        for (scheme, roll) in &mut unit.rolls {
            let employees = scheme.ends_with(".employees");
            let mut kept = Vec::with_capacity(roll.len());
            for (person, w, _) in roll.drain(..) {
                // Most from the first of January, some joining later.
                let joined = if rng.chance(85) {
                    start
                } else {
                    month_at(rng.between(1, 4) as i8).first_day()
                };
                clock.set(china_instant(
                    joined.checked_sub(3.days()).unwrap_or(joined),
                    10,
                ));
                let category = match category_of_roll {
                    Some(c) => c,
                    None if employees => Category::Employee,
                    None => Category::OverRetirementAge,
                };
                let request = EnrollRequest {
                    person,
                    unit: Some(unit.code),
                    scheme_id: SchemeId::parse(scheme)?,
                    category,
                    start: joined,
                    labour_relation: employees,
                    // 粤人社规〔2020〕55号 Art 6: the unit commits online.
                    commitment: app.scheme_texts(&SchemeId::parse(scheme)?).0.map(|_| {
                        gongshang_app::CommitmentInput {
                            form: gongshang_app::model::CommitmentForm::Electronic,
                            persons_informed: true,
                        }
                    }),
                };
                match app.enroll(&seeder(), &request) {
                    Ok(_) => {
                        report.count_scheme(scheme);
                        kept.push((person, w, joined));
                    }
                    // A generated age outside a scheme's bounds: left out.
                    Err(AppError::NotEligible { .. }) => {}
                    Err(e) => return Err(e),
                }
            }
            *roll = kept;
        }
    }
    lap(&mut report, "enrolments");

    // ---- declarations, bills and payments ------------------------------------
    for k in 0..MONTHS {
        let month = month_at(k);
        for (ui, unit) in units.iter().enumerate() {
            for (scheme, roll) in &unit.rolls {
                let declared: Vec<(ResidentId, Money)> = roll
                    .iter()
                    .filter(|(_, _, joined)| *joined <= month.last_day())
                    .map(|&(p, w, _)| (p, w))
                    .collect();
                if declared.is_empty() {
                    continue;
                }
                clock.set(china_instant(month.last_day(), 16));
                let scheme_id = SchemeId::parse(scheme)?;
                let bill =
                    match app.declare_month(&seeder(), &unit.code, &scheme_id, month, &declared) {
                        Ok(b) => b,
                        // A scheme whose billing parameters are not loaded for
                        // the month: its people stay enrolled but unbilled (and,
                        // where cover follows payment, uncovered); said once.
                        Err(AppError::Rules(
                            e @ gongshang_rules::RulesError::ParameterMissing { .. },
                        )) => {
                            let note = format!("{scheme} not billed from {month}: {e}");
                            if !report
                                .notes
                                .iter()
                                .any(|n| n.starts_with(&format!("{scheme} ")))
                            {
                                report.notes.push(note);
                            }
                            continue;
                        }
                        Err(e) => return Err(e),
                    };
                report.bills += 1;
                let mut prng = Rng::new(seed ^ 0x7061, (ui as u64) << 8 | k as u64);
                let due = bill.due_date;
                // How the unit pays this month.
                let roll_die = prng.below(100);
                let reliable = unit.payer_grade;
                let plan: &[(Date, Money)] = &if ui == 0 && k == 0 {
                    // The demo's enterprise paid its first month a month
                    // late: the late fee (Social Insurance Law Art 86) is
                    // assessed with the payment and owed on its page.
                    vec![(
                        due.checked_add(31.days()).unwrap_or(due).min(DEMO_TODAY),
                        bill.amount,
                    )]
                } else if due > DEMO_TODAY {
                    // Not due yet: a third have paid already.
                    if prng.chance(35) {
                        vec![(
                            DEMO_TODAY
                                .checked_sub((prng.between(0, 10) as i64).days())
                                .unwrap_or(DEMO_TODAY),
                            bill.amount,
                        )]
                    } else {
                        vec![]
                    }
                } else if reliable < 6 && roll_die < 70 {
                    // Never paid: arrears.
                    vec![]
                } else if reliable < 15 && roll_die < 50 {
                    // Half paid: arrears.
                    vec![(
                        due.checked_sub(2.days()).unwrap_or(due),
                        Money::from_fen(bill.amount.fen() / 2),
                    )]
                } else if reliable < 30 && roll_die < 40 {
                    // Late.
                    vec![(
                        due.checked_add((prng.between(3, 25) as i64).days())
                            .unwrap_or(due)
                            .min(DEMO_TODAY),
                        bill.amount,
                    )]
                } else {
                    vec![(
                        month
                            .next()
                            .first_day()
                            .checked_add((prng.between(2, 12) as i64).days())
                            .unwrap_or(due),
                        bill.amount,
                    )]
                };
                for (n, (paid_on, amount)) in plan.iter().enumerate() {
                    if amount.fen() <= 0 {
                        continue;
                    }
                    clock.set(china_instant(*paid_on, 11));
                    app.record_payment(
                        &seeder(),
                        &PaymentRequest {
                            bill_id: bill.bill_id,
                            amount: *amount,
                            paid_on: *paid_on,
                            idempotency_key: format!("demo-pay-{}-{n}", bill.bill_id),
                            payer: None,
                        },
                    )?;
                    report.payments += 1;
                }
            }
        }
    }
    lap(&mut report, "declarations and payments");

    // ---- 益鹭保: flexible workers in Xiamen buying days ----------------------
    let yilubao_people = (u64::from(options.people) * 12 / 100).max(5);
    let mut rng = Rng::new(seed, 3);
    for n in 0..yilubao_people {
        let person = people.register(app, &mut rng, "350200", 18, 60, &mut report)?;
        let joined = month_at(rng.below(3) as i8)
            .first_day()
            .checked_add((rng.between(0, 20) as i64).days())
            .unwrap_or(start);
        clock.set(china_instant(joined, 8));
        let category = if rng.chance(30) {
            Category::PlatformWorker
        } else {
            Category::FlexibleWorker
        };
        let request = EnrollRequest {
            person,
            unit: None,
            scheme_id: YILUBAO,
            category,
            start: joined,
            labour_relation: false,
            commitment: None,
        };
        match app.enroll(&seeder(), &request) {
            Ok(_) => report.count_scheme("xiamen.yilubao"),
            Err(AppError::NotEligible { .. }) => continue,
            Err(e) => return Err(e),
        }
        let mut first = joined;
        while first <= DEMO_TODAY {
            let days = *rng.pick(&[7u32, 15, 30, 30, 30]);
            if first
                .checked_add(i64::from(days).days())
                .is_ok_and(|d| d > date(2026, 12, 31))
            {
                break;
            }
            // Bought and paid the evening before the first day: cover is
            // never backdated, nor does it start on the day of payment.
            let paid_on = first.yesterday().unwrap_or(first);
            clock.set(china_instant(paid_on, 20));
            let bill = app.buy_days(&seeder(), &person, &YILUBAO, first, days)?;
            report.bills += 1;
            report.day_purchases += 1;
            let worker_share = bill.amount.checked_sub(bill.fiscal_share).expect("fen");
            if worker_share.fen() > 0 {
                app.record_payment(
                    &seeder(),
                    &PaymentRequest {
                        bill_id: bill.bill_id,
                        amount: worker_share,
                        paid_on,
                        idempotency_key: format!("demo-days-{}", bill.bill_id),
                        payer: None,
                    },
                )?;
                report.payments += 1;
            }
            // The city pays its share at the end of the month.
            let month_end = Month::of(first).last_day();
            if bill.fiscal_share.fen() > 0 && month_end < DEMO_TODAY {
                clock.set(china_instant(month_end, 15));
                app.record_payment(
                    &seeder(),
                    &PaymentRequest {
                        bill_id: bill.bill_id,
                        amount: bill.fiscal_share,
                        paid_on: month_end,
                        idempotency_key: format!("demo-fiscal-{}", bill.bill_id),
                        payer: Some(PremiumPayer::Fiscal),
                    },
                )?;
                report.payments += 1;
            }
            // Gaps between purchases: cover is never backdated.
            // The first worker (the demo's worker login) buys without gaps,
            // so is covered on the demo's today.
            let gap = if n == 0 { 0 } else { rng.between(0, 30) };
            first = first
                .checked_add((i64::from(days) + gap as i64).days())
                .unwrap_or(DEMO_TODAY);
        }
        if n == 0 {
            report
                .samples
                .push(("yilubao_worker", person.as_str().to_owned()));
        }
    }
    lap(&mut report, "益鹭保 days");

    // ---- the platform pilot's orders ----------------------------------------
    let mut rng = Rng::new(seed, 4);
    let mut workers: Vec<(ResidentId, usize)> = Vec::new();
    for _ in 0..options.platform_workers {
        let p = rng.below(PLATFORMS.len() as u64) as usize;
        let region = match PLATFORMS[p].3 {
            "44" => *rng.pick(&["440100", "440300"]),
            "32" => *rng.pick(&["320100", "320500"]),
            "31" => "310000",
            _ => "110000",
        };
        workers.push((
            people.register(app, &mut rng, region, 20, 50, &mut report)?,
            p,
        ));
    }
    if let Some((w, _)) = workers.first() {
        report
            .samples
            .push(("platform_worker", w.as_str().to_owned()));
    }
    let mut pricer = app.order_pricer()?;
    let mut serial = 0u64;
    for k in 0..MONTHS {
        let month = month_at(k);
        clock.set(china_instant(month.next().first_day(), 3));
        for (p, &(alias, ..)) in PLATFORMS.iter().enumerate() {
            let platform = PlatformId::parse(alias)?;
            let mut batch = Vec::new();
            for (w, (person, wp)) in workers.iter().enumerate() {
                if *wp != p {
                    continue;
                }
                let mut wr = Rng::new(seed ^ 0x6f72, (w as u64) << 8 | k as u64);
                let n = wr.below(u64::from(options.orders_per_worker_month) * 2 + 1);
                for _ in 0..n {
                    let day = month
                        .first_day()
                        .checked_add((wr.below(month.days() as u64) as i64).days())
                        .unwrap_or(month.first_day());
                    let hour = wr.between(7, 22) as i8;
                    serial += 1;
                    let order = OrderInput {
                        platform: platform.clone(),
                        order_id: OrderId::parse(&format!(
                            "{}{:010}",
                            alias.to_uppercase(),
                            serial
                        ))?,
                        resident_id: *person,
                        ordered_at: china_instant(day, hour),
                        industry: PLATFORMS[p].2,
                        province: PLATFORMS[p].3.to_owned(),
                    };
                    batch.push(pricer.price(order)?);
                }
            }
            if batch.is_empty() {
                continue;
            }
            let import = app.begin_orders_import(&seeder(), &format!("{alias}-{month}.csv"))?;
            let counts = app.import_orders_batch(&seeder(), import, &batch)?;
            app.finish_orders_import(&seeder(), import, batch.len() as u64, 0)?;
            report.orders += counts.added;
            clock.set(china_instant(month.next().first_day(), 10));
            if let Some(bill) = app.bill_orders(&seeder(), &platform, month)? {
                report.bills += 1;
                let paid_on = month
                    .next()
                    .first_day()
                    .checked_add(8.days())
                    .unwrap_or(bill.due_date);
                if paid_on < DEMO_TODAY {
                    clock.set(china_instant(paid_on, 10));
                    app.record_payment(
                        &seeder(),
                        &PaymentRequest {
                            bill_id: bill.bill_id,
                            amount: bill.amount,
                            paid_on,
                            idempotency_key: format!("demo-orders-{}", bill.bill_id),
                            payer: None,
                        },
                    )?;
                    report.payments += 1;
                }
            }
        }
    }
    lap(&mut report, "platform orders");

    // ---- agreement institutions (Regulations Art 47): a hospital in every
    // region, a rehabilitation centre and a device supplier in Guangzhou ----
    clock.set(china_instant(date(2025, 12, 20), 10));
    for r in REGIONS {
        demo_institution(
            app,
            &format!("{}-H1", r.code),
            &format!("{}市工伤协议医院", r.city),
            "medical",
            r.code,
        )?;
    }
    demo_institution(
        app,
        "440100-R1",
        "广州市工伤康复中心",
        "rehabilitation",
        "440100",
    )?;
    demo_institution(
        app,
        "440100-D1",
        "广州市假肢矫形辅助器具中心",
        "assistive_device",
        "440100",
    )?;

    // ---- injury cases in every state, awards approved and on the payroll ----
    clock.set(china_instant(DEMO_TODAY, 9));
    let mut employees: Vec<(CreditCode, ResidentId, Money, &'static str)> = Vec::new();
    for u in &units {
        for (s, roll) in u.rolls.iter().filter(|(s, _)| s.ends_with(".employees")) {
            for (p, w, _) in roll
                .iter()
                .filter(|(_, _, joined)| *joined == start)
                .take(2)
            {
                employees.push((u.code, *p, *w, s));
            }
        }
    }
    let cases = (options.people / 150).clamp(14, 80) as usize;
    for (i, (unit, person, wage, scheme)) in employees.iter().take(cases).enumerate() {
        if let Err(e) = demo_case(app, i, *unit, *person, *wage, scheme, &mut report) {
            report
                .notes
                .push(format!("case {i} ({scheme}) stopped: {e}"));
        }
    }
    // One more grade 4 worker whose allowance runs on (the first one dies in
    // the stop-benefit report below): the medical insurance base of
    // Regulations Art 35 para 2 has someone to list. Case 55 is an approved
    // grade 4 award in `demo_case`'s cycle.
    if let Some((unit, person, wage, scheme)) = employees.get(cases) {
        if let Err(e) = demo_case(app, 55, *unit, *person, *wage, scheme, &mut report) {
            report
                .notes
                .push(format!("case 55 ({scheme}) stopped: {e}"));
        }
    } else {
        report
            .notes
            .push("no employee left for a second grade 4 case".to_owned());
    }
    // ---- a merger (Regulations Art 43(1)): the unit of the case with an
    // approved award merged into another unit of its scheme on 2026-06-01,
    // so the case page names the successor as liable today ----
    if let Some((predecessor, _, _, scheme)) = employees.get(13)
        && let Some(successor) = units
            .iter()
            .find(|u| u.code != *predecessor && u.rolls.iter().any(|(s, _)| s == scheme))
    {
        let req = serde_json::from_value(serde_json::json!({
            "successor": successor.code.as_str(),
            "kind": "merger",
            "effective_on": "2026-06-01",
            "document": "市场监管部门准予合并登记通知书（示例）",
        }))
        .map_err(|e| AppError::invalid("succession", e.to_string()))?;
        if let Err(e) = app.record_succession(&clerk(), predecessor, &req) {
            report.notes.push(format!("succession not recorded: {e}"));
        } else {
            // Issue 17: the successor takes over the predecessor's unpaid
            // bills and late fees, and pays the employer's items of its case
            // from 2026-06: the successor's page shows what it inherited.
            report
                .samples
                .push(("inherited_unit", successor.code.as_str().to_owned()));
            if let Err(e) = app.take_over_debts(&clerk(), predecessor, &successor.code) {
                report
                    .notes
                    .push(format!("no unpaid bill taken over on the merger: {e}"));
            }
        }
    }
    // ---- Regulations Art 62(2): a worker the demo's enterprise never
    // enrolled, injured at work; the award is the unit's to pay, item by
    // item, and the back-payment form of `/cases/{n}/payers` has a case ----
    if let Some(u) = units.first()
        && let Some((scheme, _)) = u.rolls.iter().find(|(s, _)| s.ends_with(".employees"))
    {
        let mut rng = Rng::new(seed, 62);
        let region = u.code.as_str()[2..8].to_owned();
        let person = people.register(app, &mut rng, &region, 22, 40, &mut report)?;
        if let Err(e) = demo_uninsured_case(app, u.code, person, scheme, &mut report) {
            report
                .notes
                .push(format!("uninsured case ({scheme}) stopped: {e}"));
        }
    }
    // ---- 劳社部令第18号 Art 5: a worker killed at work on 2026-03-02; the
    // spouse's survivor's pension is on the payroll, and the spouse was taken
    // into prison on 2026-05-20 (recorded after the June run below): June
    // comes back as an overpayment, and the pension waits on the release ----
    let death_case = match employees.get(cases + 1) {
        Some((unit, person, _, scheme)) => {
            match demo_death_case(app, *unit, *person, scheme, &mut report) {
                Ok(n) => Some(n),
                Err(e) => {
                    report
                        .notes
                        .push(format!("death case ({scheme}) stopped: {e}"));
                    None
                }
            }
        }
        None => {
            report
                .notes
                .push("no employee left for a death case".to_owned());
            None
        }
    };
    let month = Month::of(DEMO_TODAY);
    if report.awards_approved > 0 {
        match app.run_payroll(&clerk(), month) {
            Ok(_) => report.payroll_runs += 1,
            Err(e) => report
                .notes
                .push(format!("payroll of {month} not run: {e}")),
        }
    }
    if let Some(number) = death_case {
        let spouse = app
            .pause_benefits(&clerk(), &number)?
            .into_iter()
            .find(|b| b.beneficiary == "spouse");
        if let Some(b) = spouse {
            let form = gongshang_app::handling::ImprisonmentForm {
                benefit_id: b.id.to_string(),
                imprisoned_on: "2026-05-20".into(),
                document: "（2026）粤0106刑初123号刑事判决书、收监执行通知书（示例）".into(),
                recovery: "refund".into(),
                ..Default::default()
            };
            if let Err(e) = form
                .parse()
                .and_then(|input| app.record_imprisonment(&clerk(), &number, &input))
            {
                report.notes.push(format!("imprisonment not recorded: {e}"));
            }
        }
    }
    // ---- Decree 765 Art 25: a relative tells the agency on 2026-06-29 that
    // the worker drawing the grade 4 allowance died on 2026-05-11, after the
    // 20 working days; June, paid by the run above, comes back as an
    // overpayment, and the late report waits on the clerk's queue ----
    if let Some(number) = report
        .samples
        .iter()
        .find(|(k, _)| *k == "allowance_case")
        .map(|(_, n)| n.clone())
    {
        let benefit = app
            .stop_report_benefits(&clerk(), &number)?
            .into_iter()
            .find(|b| b.end_month.is_none() && b.payer == gongshang_rules::Payer::Fund);
        if let Some(b) = benefit {
            let form = gongshang_app::handling::StopReportForm {
                benefit_id: b.id.to_string(),
                event: "death".into(),
                event_on: "2026-05-11".into(),
                reported_on: "2026-06-29".into(),
                reported_by: "relative".into(),
                recovery: "instalments".into(),
                months: "3".into(),
                note: "死亡医学证明书核实（示例）".into(),
                ..Default::default()
            };
            if let Err(e) = form
                .parse()
                .and_then(|input| app.report_stop_event(&clerk(), &number, &input))
            {
                report
                    .notes
                    .push(format!("stop-benefit report not recorded: {e}"));
            }
        }
    }
    // ---- Decree 765 Arts 6, 10: a unit's paper application to register a
    // new employee, handed in at the window on 2026-06-10 and not completed:
    // its 10 working days ended on 2026-06-25, so it is overdue on the
    // clerk's queue with the unit named ----
    if let Some(u) = units.first() {
        let form = gongshang_app::handling::RegistrationForm {
            resident_id: demo_resident_id("440100", date(1999, 9, 9), 990)
                .as_str()
                .to_owned(),
            kind: "start".into(),
            employment_on: "2026-06-01".into(),
            received_on: "2026-06-10".into(),
            enrollment_id: String::new(),
        };
        if let Err(e) = form
            .parse(&u.code)
            .and_then(|input| app.receive_registration(&clerk(), &input))
        {
            report
                .notes
                .push(format!("registration application not recorded: {e}"));
        }
    }
    lap(&mut report, "cases and awards");
    // ---- the rights-protection service centre's tickets ---------------------
    let rider = report
        .samples
        .iter()
        .find(|(k, _)| *k == "yilubao_worker")
        .and_then(|(_, v)| ResidentId::parse(v).ok());
    let employer = units.first().map(|u| u.code);
    if let Err(e) = tickets::seed_tickets(app, clock, rider, employer, &mut report) {
        report
            .notes
            .push(format!("service centre tickets stopped: {e}"));
    }
    clock.set(china_instant(DEMO_TODAY, 9));
    lap(&mut report, "service centre tickets");
    // ---- a ride-hailing fleet registered as a software company (class 1)
    // enrolling six of didi's drivers: industry_class_vs_orders flags it
    // (their orders are 道路运输业, class 5), so the investigators see the
    // rule on the demo.
    if let Err(e) = seed_fleet_station(app, &workers, &mut report) {
        report
            .notes
            .push(format!("the fleet station was not made: {e}"));
    }
    // ---- monitoring (issue 16): the nightly full run over the demo's data,
    // so the investigators' page starts with its alerts and the imports the
    // server takes afterwards run incrementally from its watermarks.
    if let Err(e) = app.run_monitor(&clerk()) {
        report.notes.push(format!("monitoring run not made: {e}"));
    }
    lap(&mut report, "monitoring");
    if let Some(u) = units.first() {
        report
            .samples
            .push(("enterprise", u.code.as_str().to_owned()));
        if let Some((_, roll)) = u.rolls.first()
            && let Some((p, ..)) = roll.first()
        {
            report.samples.push(("employee", p.as_str().to_owned()));
        }
    }
    if let Some(c) = platform_codes.first() {
        report.samples.push(("platform", c.as_str().to_owned()));
    }
    report.by_scheme.sort();
    Ok(report)
}

/// The password of every demo login (printed by `gongshang demo`).
pub const DEMO_PASSWORD: &str = "gongshang-demo";

/// One login of the demo.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DemoLogin {
    pub login: String,
    pub role: gongshang_app::accounts::Role,
    pub display_name: String,
    /// What the login sees: a unit's name, a person, or everything.
    pub scope: String,
}

/// One login per role (clerk, reviewer, administrator, a unit user, a
/// platform's user, a worker buying days, a platform's rider, an
/// analyst), all with [`DEMO_PASSWORD`], hashed with the minimal argon2 parameters (demo logins only).
pub fn create_demo_logins(app: &App, report: &DemoReport) -> Result<Vec<DemoLogin>, AppError> {
    use gongshang_app::accounts::{AccountInput, PasswordCost};
    let sample = |what: &str| {
        report
            .samples
            .iter()
            .find(|(w, _)| *w == what)
            .map(|(_, k)| k.clone())
    };
    let enterprise = sample("enterprise");
    let platform = sample("platform");
    let worker = sample("yilubao_worker");
    let rider = sample("platform_worker");
    // (login, role, display name, unit, platform, person)
    #[allow(clippy::type_complexity)]
    let plan: Vec<(
        &str,
        &str,
        &str,
        Option<String>,
        Option<String>,
        Option<String>,
    )> = vec![
        ("clerk", "clerk", "王经办", None, None, None),
        ("reviewer", "reviewer", "李审核", None, None, None),
        ("admin", "administrator", "张管理", None, None, None),
        ("unit", "unit", "单位经办人", enterprise, None, None),
        (
            "platform",
            "unit",
            "平台对接人",
            platform,
            Some(PLATFORMS[0].0.to_owned()),
            None,
        ),
        ("worker", "worker", "灵活就业人员", None, None, worker),
        ("rider", "worker", "平台骑手", None, None, rider),
        ("analyst", "analyst", "数据分析员", None, None, None),
    ];
    let mut out = Vec::new();
    for (login, role, name, unit, platform, person) in plan {
        let display_name = match &person {
            Some(p) => app
                .store()
                .person_by_resident_id(&ResidentId::parse(p)?)?
                .map_or_else(|| name.to_owned(), |x| x.name),
            None => name.to_owned(),
        };
        let scope = match (&unit, &person) {
            (Some(u), _) => app
                .store()
                .unit_by_code(&CreditCode::parse(u)?)?
                .map_or_else(|| u.clone(), |x| x.name),
            (_, Some(p)) => ResidentId::parse(p)?.masked(),
            _ => String::new(),
        };
        let account = app.create_account(
            &seeder(),
            &AccountInput {
                login: login.to_owned(),
                display_name: display_name.clone(),
                role: role.to_owned(),
                unit,
                platform,
                person,
                password: Some(DEMO_PASSWORD.to_owned()),
                partner_body: None,
            },
            PasswordCost::Minimal,
        )?;
        out.push(DemoLogin {
            login: account.login,
            role: account.role,
            display_name,
            scope,
        });
    }
    // The service centre: the front desk, a mediator, and the arbitration
    // court as a partner body (it sees only what was referred to it).
    for (login, role, name, body) in [
        ("front", "front_desk", "综合窗口受理员", None),
        ("mediator", "mediator", "即时调解员", None),
        (
            "arbitration",
            "partner",
            "仲裁院对接人",
            Some("xm-arbitration"),
        ),
    ] {
        let account = app.create_account(
            &seeder(),
            &AccountInput {
                login: login.to_owned(),
                display_name: name.to_owned(),
                role: role.to_owned(),
                password: Some(DEMO_PASSWORD.to_owned()),
                partner_body: body.map(str::to_owned),
                ..AccountInput::default()
            },
            PasswordCost::Minimal,
        )?;
        out.push(DemoLogin {
            login: account.login,
            role: account.role,
            display_name: name.to_owned(),
            scope: body.map_or_else(String::new, |b| format!("tickets referred to {b}")),
        });
    }
    Ok(out)
}

fn day(text: &str) -> Date {
    text.parse().expect("a demo date")
}

/// One injury case taken as far as stage `i % 14` says: filed, awaiting
/// materials, accepted (some past the Art 20 limit), investigated,
/// suspended, not recognised, recognised and delivered, withdrawn,
/// inadmissible, appraisal pending, appraised with an award proposed, and
/// appraised with the award approved by a second person.
fn demo_case(
    app: &App,
    i: usize,
    unit: CreditCode,
    person: ResidentId,
    wage: Money,
    scheme: &str,
    report: &mut DemoReport,
) -> Result<(), AppError> {
    use gongshang_app::cases::{AwardRequest, CaseCommand, FileCaseRequest};
    use gongshang_domain::appraisal;
    use gongshang_domain::determination::{
        ApplicantRole, Authority, Command, Finding, Ground, InadmissibleReason, MaterialKind,
        NotRecognisedReason,
    };
    let maker = Actor {
        login: "clerk".into(),
        role: gongshang_app::accounts::Role::Clerk,
        scope: gongshang_app::actor::Scope::All,
    };
    let checker = Actor {
        login: "reviewer".into(),
        role: gongshang_app::accounts::Role::Reviewer,
        scope: gongshang_app::actor::Scope::All,
    };
    let (maker, checker) = (&maker, &checker);
    let stage = i % 14;
    // Accidents early in the year for the cases that go far, late for the
    // ones just filed.
    let (accident, filed) = match stage {
        0 => ("2026-06-22", "2026-06-28"),
        1 => ("2026-05-02", "2026-05-10"),
        2 => ("2026-06-01", "2026-06-08"),
        3 => ("2026-05-20", "2026-05-28"),
        4 => ("2026-03-01", "2026-03-10"),
        _ => ("2026-01-12", "2026-01-20"),
    };
    let mut materials = vec![
        MaterialKind::ApplicationForm,
        MaterialKind::MedicalDiagnosis,
    ];
    if stage != 2 {
        materials.push(MaterialKind::LabourRelationProof);
    }
    let case = app.file_case(
        maker,
        &FileCaseRequest {
            number: None,
            person,
            unit,
            scheme_id: SchemeId::parse(scheme)?,
            region: None,
            applicant: ApplicantRole::Unit,
            accident_date: day(accident),
            filed_on: Some(day(filed)),
            ground_claimed: Ground::Art14WorkAccident,
            materials: materials.into_iter().collect(),
            accident_key: None,
            intern_school: None,
        },
    )?;
    report.cases += 1;
    let n = case.number.clone();
    let det = |actor: &Actor, cmd: Command, on: &str| {
        app.act(actor, &n, CaseCommand::Determination(cmd), Some(day(on)))
    };
    let appr = |cmd: appraisal::Command, on: &str| {
        app.act(maker, &n, CaseCommand::Appraisal(cmd), Some(day(on)))
    };
    match stage {
        // Filed, in the completeness review (stage 1 is past its limit).
        0 | 1 => return Ok(()),
        2 => {
            det(
                maker,
                Command::RequestMaterials {
                    missing: vec![MaterialKind::LabourRelationProof],
                },
                "2026-06-10",
            )?;
            return Ok(());
        }
        _ => {}
    }
    if stage == 9 {
        det(maker, Command::Withdraw, "2026-01-25")?;
        return Ok(());
    }
    if stage == 10 {
        det(
            maker,
            Command::RejectApplication {
                reason: InadmissibleReason::Other {
                    explanation: "申请人非本统筹地区参保单位职工".into(),
                },
            },
            "2026-01-26",
        )?;
        return Ok(());
    }
    let accepted = match stage {
        3 => "2026-06-01",
        4 => "2026-03-12",
        _ => "2026-01-22",
    };
    det(maker, Command::Accept, accepted)?;
    match stage {
        // Accepted, inside the limit (3) and past it (4).
        3 | 4 => return Ok(()),
        5 => {
            det(maker, Command::StartInvestigation, "2026-01-28")?;
            return Ok(());
        }
        6 => {
            det(
                maker,
                Command::Suspend {
                    authority: Authority::Court,
                    reason: "劳动关系争议诉讼中".into(),
                },
                "2026-02-05",
            )?;
            return Ok(());
        }
        7 => {
            det(
                maker,
                Command::Decide {
                    finding: Finding::NotRecognised {
                        reason: NotRecognisedReason::NoGround {
                            explanation: "事故发生在上下班途中以外的私人活动中".into(),
                        },
                    },
                },
                "2026-03-02",
            )?;
            det(maker, Command::Deliver, "2026-03-06")?;
            return Ok(());
        }
        _ => {}
    }
    det(
        maker,
        Command::Decide {
            finding: Finding::Recognised {
                ground: Ground::Art14WorkAccident,
            },
        },
        "2026-03-02",
    )?;
    det(maker, Command::Deliver, "2026-03-06")?;
    // The hospital's bill of the first weeks (Art 30): settled on the cases
    // that go on to an award, waiting for the clerk on the others.
    let region = case.region.clone().unwrap_or_else(|| "440100".to_owned());
    let bill = app.file_medical_bill(
        maker,
        &n,
        &serde_json::from_value(serde_json::json!({
            "kind": "medical",
            "institution": format!("{region}-H1"),
            "service_from": accident,
            "service_until": "2026-01-30",
            "received_on": "2026-03-10",
            "lines": [
                {"description": "住院治疗（目录内）", "within_catalogue": "8650.00", "outside_catalogue": "0.00"},
                {"description": "自费药品", "within_catalogue": "0.00", "outside_catalogue": "420.00"},
            ],
        }))
        .map_err(|e| AppError::invalid("medical bill", e.to_string()))?,
    )?;
    report.medical_bills += 1;
    if stage == 8 {
        report.samples.push(("medical_case", n.clone()));
        return Ok(());
    }
    app.settle_medical_bill(maker, &n, bill.bill.id, &Default::default())?;
    // The fund's advance (Social Insurance Law Art 42; Order No. 15 Arts
    // 4-5): on the first case whose bill is settled, a third party who does
    // not pay; the worker's written application is granted by the clerk
    // and waits for a second person's approval (an advance in progress).
    if !report.samples.iter().any(|(k, _)| *k == "advance_case") {
        let applied = app.apply_for_advance(
            maker,
            &n,
            &gongshang_app::cases::AdvanceApplication {
                ground: gongshang_rules::advance::Ground::ThirdParty,
                applicant: gongshang_app::cases::AdvanceApplicant::Worker,
                applicant_name: "伤者本人".into(),
                circumstance: "交通事故肇事方未支付医疗费用".into(),
                third_party: Some("肇事车辆车主".into()),
                applied_on: None,
                documents: "工伤认定决定书；医疗费用原始票据".into(),
            },
        )?;
        app.decide_advance(
            maker,
            &n,
            applied.id,
            &gongshang_app::cases::AdvanceDecision {
                grant: true,
                reason: None,
                decided_on: None,
            },
        )?;
        report.samples.push(("advance_case", n.clone()));
    }
    appr(appraisal::Command::Apply, "2026-03-20")?;
    if stage == 11 {
        return Ok(());
    }
    let grade = [5u8, 4, 9, 7, 8, 10][i % 6];
    appr(
        appraisal::Command::Conclude {
            grade: Some(grade),
            nursing: None,
        },
        "2026-04-28",
    )?;
    let facts = serde_json::json!({
        "own_wage": wage.to_string(),
        "suspension_months": 3,
        "hospital_days": 12,
        // Art 36: the employer could not arrange a job (grades 5-6 ask).
        "job_arranged": false,
    });
    let view = app.compute_award(
        maker,
        &n,
        &AwardRequest {
            facts,
            basis: gongshang_domain::case::AwardBasis::Initial,
            dependant_birth_dates: Vec::new(),
            replaces: None,
        },
    )?;
    if stage == 12 {
        return Ok(());
    }
    app.approve_award(checker, view.award.id)?;
    report.awards_approved += 1;
    // A grade 1-4 allowance is the fund's: the demo's stop-benefit report
    // (Decree 765 Art 25) is made on the first one.
    if grade <= 4 && !report.samples.iter().any(|(k, _)| *k == "allowance_case") {
        report.samples.push(("allowance_case", n.clone()));
    }
    Ok(())
}

/// Regulations Art 62(2): the worker applies himself (Art 17(2): the unit
/// did not), the injury is recognised and appraised grade 9, and the award
/// approved by a second person names the unit as the payer of every item;
/// no back-payment is recorded, so the clerk's form has something to do.
fn demo_uninsured_case(
    app: &App,
    unit: CreditCode,
    person: ResidentId,
    scheme: &str,
    report: &mut DemoReport,
) -> Result<(), AppError> {
    use gongshang_app::cases::{AwardRequest, CaseCommand, FileCaseRequest};
    use gongshang_domain::appraisal;
    use gongshang_domain::determination::{ApplicantRole, Command, Finding, Ground, MaterialKind};
    let checker = Actor {
        login: "reviewer".into(),
        role: gongshang_app::accounts::Role::Reviewer,
        scope: gongshang_app::actor::Scope::All,
    };
    let maker = &clerk();
    let case = app.file_case(
        maker,
        &FileCaseRequest {
            number: None,
            person,
            unit,
            scheme_id: SchemeId::parse(scheme)?,
            region: None,
            applicant: ApplicantRole::Worker,
            accident_date: day("2026-02-09"),
            filed_on: Some(day("2026-02-16")),
            ground_claimed: Ground::Art14WorkAccident,
            materials: [
                MaterialKind::ApplicationForm,
                MaterialKind::MedicalDiagnosis,
                MaterialKind::LabourRelationProof,
            ]
            .into_iter()
            .collect(),
            accident_key: None,
            intern_school: None,
        },
    )?;
    report.cases += 1;
    let n = case.number.clone();
    let det =
        |cmd: Command, on: &str| app.act(maker, &n, CaseCommand::Determination(cmd), Some(day(on)));
    det(Command::Accept, "2026-02-18")?;
    det(
        Command::Decide {
            finding: Finding::Recognised {
                ground: Ground::Art14WorkAccident,
            },
        },
        "2026-03-16",
    )?;
    det(Command::Deliver, "2026-03-19")?;
    let appr = |cmd: appraisal::Command, on: &str| {
        app.act(maker, &n, CaseCommand::Appraisal(cmd), Some(day(on)))
    };
    appr(appraisal::Command::Apply, "2026-04-01")?;
    appr(
        appraisal::Command::Conclude {
            grade: Some(9),
            nursing: None,
        },
        "2026-05-12",
    )?;
    let view = app.compute_award(
        maker,
        &n,
        &AwardRequest {
            facts: serde_json::json!({
                "own_wage": "6800.00",
                "suspension_months": 3,
                "hospital_days": 9,
            }),
            basis: gongshang_domain::case::AwardBasis::Initial,
            dependant_birth_dates: Vec::new(),
            replaces: None,
        },
    )?;
    app.approve_award(&checker, view.award.id)?;
    report.awards_approved += 1;
    report.samples.push(("uninsured_case", n));
    Ok(())
}

/// A worker killed in a work accident on 2026-03-02, the case recognised and
/// the award approved: the spouse's survivor's pension (Regulations Art
/// 39(1)(2)) is paid by the fund from 2026-04. The case's number.
fn demo_death_case(
    app: &App,
    unit: CreditCode,
    person: ResidentId,
    scheme: &str,
    report: &mut DemoReport,
) -> Result<String, AppError> {
    use gongshang_app::cases::{AwardRequest, CaseCommand, FileCaseRequest};
    use gongshang_domain::determination::{ApplicantRole, Command, Finding, Ground, MaterialKind};
    let checker = Actor {
        login: "reviewer".into(),
        role: gongshang_app::accounts::Role::Reviewer,
        scope: gongshang_app::actor::Scope::All,
    };
    let maker = &clerk();
    let case = app.file_case(
        maker,
        &FileCaseRequest {
            number: None,
            person,
            unit,
            scheme_id: SchemeId::parse(scheme)?,
            region: None,
            applicant: ApplicantRole::CloseRelative,
            accident_date: day("2026-03-02"),
            filed_on: Some(day("2026-03-05")),
            ground_claimed: Ground::Art14WorkAccident,
            materials: [
                MaterialKind::ApplicationForm,
                MaterialKind::MedicalDiagnosis,
                MaterialKind::LabourRelationProof,
            ]
            .into_iter()
            .collect(),
            accident_key: None,
            intern_school: None,
        },
    )?;
    report.cases += 1;
    let n = case.number.clone();
    let det =
        |cmd: Command, on: &str| app.act(maker, &n, CaseCommand::Determination(cmd), Some(day(on)));
    det(Command::Accept, "2026-03-06")?;
    det(
        Command::Decide {
            finding: Finding::Recognised {
                ground: Ground::Art14WorkAccident,
            },
        },
        "2026-04-01",
    )?;
    det(Command::Deliver, "2026-04-03")?;
    let view = app.compute_award(
        maker,
        &n,
        &AwardRequest {
            facts: serde_json::json!({
                "own_wage": "7200.00",
                "death_date": "2026-03-02",
                "dependants": {"spouse": true, "others": 0},
            }),
            basis: gongshang_domain::case::AwardBasis::Initial,
            dependant_birth_dates: Vec::new(),
            replaces: None,
        },
    )?;
    app.approve_award(&checker, view.award.id)?;
    report.awards_approved += 1;
    report.samples.push(("death_case", n.clone()));
    Ok(n)
}

/// Registers an agreement institution of the demo (its agreement from 2025).
fn demo_institution(
    app: &App,
    code: &str,
    name: &str,
    kind: &str,
    region: &str,
) -> Result<(), AppError> {
    let req = serde_json::from_value(serde_json::json!({
        "code": code,
        "name": name,
        "kind": kind,
        "region": region,
        "agreement_from": "2025-01-01",
    }))
    .map_err(|e| AppError::invalid("institution", e.to_string()))?;
    app.register_institution(&clerk(), &req)?;
    Ok(())
}
