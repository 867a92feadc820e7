//! `gongshang synth registry` and `gongshang synth orders`: deterministic
//! synthetic registries (units, people, enrollments, declarations, payments)
//! and platform order files, in the import formats of README.md.
//!
//! Identity numbers and credit codes carry correct check characters; regions
//! come from the policy files; every enrolment passes the scheme's
//! eligibility on its start date and every declared month can be billed.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use gongshang_domain::ids::{
    credit_check_character, organisation_check_character, resident_check_character,
};
use gongshang_rules::billing::{self, UnitRating};
use gongshang_rules::contribution::IndustryClass;
use gongshang_rules::rate::Rate;
use gongshang_rules::retirement::RetirementTrack;
use gongshang_rules::scheme::{Applicant, Billing, Category, OrderIndustry};
use gongshang_rules::{Money, PolicySet};
use gongshang_store::ORDER_SCHEME_ID;
use jiff::Span;
use jiff::civil::{Date, date};

use crate::CliError;
use crate::synth::SplitMix64;

#[derive(clap::Args)]
pub struct SynthRegistryArgs {
    #[arg(long, default_value_t = 100)]
    pub units: u64,
    #[arg(long, default_value_t = 1000)]
    pub people: u64,
    #[arg(long, default_value_t = 7)]
    pub seed: u64,
    /// The folder for units.csv, people.csv, enrollments.csv, declarations.csv, payments.csv
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
}

#[derive(clap::Args)]
pub struct SynthOrdersArgs {
    #[arg(long)]
    pub count: u64,
    #[arg(long, default_value_t = 7)]
    pub seed: u64,
    #[arg(long, value_name = "CSV")]
    pub out: PathBuf,
}

const SURNAMES: &[&str] = &[
    "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭",
    "何", "林", "罗", "高",
];
const GIVEN: &[&str] = &[
    "伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明",
    "超", "秀英", "华", "建国", "晓东", "海燕",
];
const UNIT_WORDS: &[&str] = &[
    "华南", "东方", "新兴", "恒达", "金桥", "长江", "海港", "星河", "瑞丰", "鹏程",
];
const UNIT_TRADES: &[&str] = &[
    "物流",
    "建筑",
    "餐饮",
    "制造",
    "科技",
    "家政服务",
    "商贸",
    "运输",
    "印刷",
    "电子",
];

/// A valid credit code of a unit in `region`.
pub fn credit_code(region: &str, body_number: u64) -> String {
    let body = format!("{:08}", body_number % 100_000_000);
    let org = organisation_check_character(body.as_bytes().try_into().expect("8")).expect("digits");
    let first17 = format!("91{region}{body}{org}");
    let check =
        credit_check_character(first17.as_bytes().try_into().expect("17")).expect("charset");
    format!("{first17}{check}")
}

/// A valid resident identity number.
pub fn resident_id(region: &str, birth: Date, sequence: u64) -> String {
    let first17 = format!("{region}{}{:03}", birth.strftime("%Y%m%d"), sequence % 1000);
    let check = resident_check_character(first17.as_bytes().try_into().expect("17"));
    format!("{first17}{check}")
}

fn pick<'a, T>(rng: &mut SplitMix64, items: &'a [T]) -> &'a T {
    &items[rng.below(items.len() as u64) as usize]
}

struct Writer {
    dest: PathBuf,
    temp: PathBuf,
    out: BufWriter<File>,
}

impl Writer {
    fn create(dest: &Path, header: &str) -> Result<Writer, CliError> {
        let name = dest
            .file_name()
            .ok_or_else(|| CliError(format!("{} is not a file name", dest.display())))?;
        let mut temp_name = std::ffi::OsString::from(".");
        temp_name.push(name);
        temp_name.push(format!(".{}.partial", std::process::id()));
        let temp = dest.with_file_name(temp_name);
        let file = File::create(&temp)
            .map_err(|e| CliError(format!("cannot create {}: {e}", temp.display())))?;
        let mut w = Writer {
            dest: dest.to_owned(),
            temp,
            out: BufWriter::with_capacity(1 << 20, file),
        };
        w.line(header)?;
        Ok(w)
    }

    fn line(&mut self, text: &str) -> Result<(), CliError> {
        self.out
            .write_all(text.as_bytes())
            .and_then(|()| self.out.write_all(b"\n"))
            .map_err(|e| CliError(format!("cannot write {}: {e}", self.temp.display())))
    }

    fn commit(mut self) -> Result<(), CliError> {
        self.out
            .flush()
            .map_err(|e| CliError(format!("cannot write {}: {e}", self.temp.display())))?;
        std::fs::rename(&self.temp, &self.dest)
            .map_err(|e| CliError(format!("cannot move to {}: {e}", self.dest.display())))
    }
}

/// The ordinary insurance of the unit's province (or the national one).
fn employees_scheme(region: &str) -> &'static str {
    match &region[..2] {
        "44" => "guangdong.employees",
        "32" => "jiangsu.employees",
        _ => "national.employees",
    }
}

pub fn registry(args: &SynthRegistryArgs) -> Result<(), CliError> {
    if args.units == 0 {
        return Err(CliError("--units must be at least 1".into()));
    }
    std::fs::create_dir_all(&args.out)
        .map_err(|e| CliError(format!("cannot create {}: {e}", args.out.display())))?;
    let policy = PolicySet::embedded()?;
    let regions: Vec<String> = policy
        .regions()
        .map(|r| r.code.clone())
        .filter(|c| !c.ends_with("0000"))
        .collect();
    let start = date(2025, 1, 1);
    let months = ["2025-01", "2025-02", "2025-03"];

    let mut units_csv = Writer::create(
        &args.out.join("units.csv"),
        "credit_code,name,kind,region,industry_class,floating_tier",
    )?;
    let mut units = Vec::new();
    for i in 0..args.units {
        let rng = &mut SplitMix64::for_row(args.seed ^ 0x756e, i);
        let region = pick(rng, &regions).clone();
        let code = credit_code(&region, args.seed.wrapping_mul(1_000_003).wrapping_add(i));
        let kind = [
            "enterprise",
            "enterprise",
            "enterprise",
            "enterprise",
            "school",
            "domestic_service_agency",
            "public_body",
            "village_committee",
        ][rng.below(8) as usize];
        let class = rng.between(1, 8) as u8;
        let name = format!(
            "{}{}{}有限公司",
            pick(rng, UNIT_WORDS),
            pick(rng, UNIT_TRADES),
            i + 1
        );
        units_csv.line(&format!("{code},{name},{kind},{region},{class},1.0"))?;
        units.push((code, region, class));
    }
    units_csv.commit()?;

    let mut people_csv = Writer::create(&args.out.join("people.csv"), "resident_id,name")?;
    let mut enrollments_csv = Writer::create(
        &args.out.join("enrollments.csv"),
        "resident_id,credit_code,scheme_id,category,start_date,labour_relation",
    )?;
    // (unit index, scheme) -> [(resident id, wage)]
    let mut declared: BTreeMap<(usize, &'static str), Vec<(String, Money)>> = BTreeMap::new();
    let mut seen = std::collections::HashSet::new();
    let (mut people, mut enrolled) = (0u64, 0u64);
    for i in 0..args.people {
        let rng = &mut SplitMix64::for_row(args.seed ^ 0x7065, i);
        let region = pick(rng, &regions).clone();
        // Ages 17 to 67 on 2025-01-01, most of them 25 to 50.
        let age_days = match rng.below(100) {
            0..80 => rng.between(25 * 365, 50 * 365),
            _ => rng.between(17 * 365 + 5, 67 * 365),
        };
        let birth = start
            .checked_sub(Span::new().days(age_days as i64))
            .map_err(|e| CliError(e.to_string()))?;
        let id = resident_id(&region, birth, rng.below(1000));
        if !seen.insert(id.clone()) {
            continue;
        }
        people += 1;
        people_csv.line(&format!("{id},{}{}", pick(rng, SURNAMES), pick(rng, GIVEN)))?;
        let unit_index = rng.below(units.len() as u64) as usize;
        let (code, unit_region, _) = &units[unit_index];
        let (scheme_id, category, unit): (&'static str, Category, Option<&String>) =
            if rng.chance(50) {
                ("xiamen.yilubao", Category::FlexibleWorker, None)
            } else {
                (
                    employees_scheme(unit_region),
                    Category::Employee,
                    Some(code),
                )
            };
        let scheme = policy.scheme(scheme_id)?;
        let applicant = Applicant {
            category,
            birth_date: birth,
            sex: Some(if id.as_bytes()[16] % 2 == 1 {
                gongshang_rules::retirement::Sex::Male
            } else {
                gongshang_rules::retirement::Sex::Female
            }),
            retirement_track: RetirementTrack::default(),
            labour_relation_with_unit: category == Category::Employee,
            covered_by_regulations: false,
            region: unit.map(|_| unit_region.clone()),
        };
        let old = gongshang_rules::retirement::age_on(birth, start) >= 60;
        if old || !scheme.eligibility(&policy, &applicant, start)?.eligible {
            continue;
        }
        enrolled += 1;
        enrollments_csv.line(&format!(
            "{id},{},{scheme_id},{},{start},{}",
            unit.map_or("", |c| c.as_str()),
            serde_json::to_value(category)?.as_str().unwrap_or(""),
            category == Category::Employee
        ))?;
        if matches!(scheme.billing, Billing::MonthlyWage { .. }) {
            let wage = Money::from_fen(rng.between(3_000, 30_000) as i64 * 100);
            declared
                .entry((unit_index, scheme_id))
                .or_default()
                .push((id, wage));
        }
    }
    people_csv.commit()?;
    enrollments_csv.commit()?;

    let mut declarations_csv = Writer::create(
        &args.out.join("declarations.csv"),
        "credit_code,scheme_id,month,resident_id,declared_wage",
    )?;
    let mut payments_csv = Writer::create(
        &args.out.join("payments.csv"),
        "bill_reference,amount,paid_on,idempotency_key",
    )?;
    let mut bills = 0u64;
    for ((unit_index, scheme_id), people) in &declared {
        let (code, _, class) = &units[*unit_index];
        let scheme = policy.scheme(scheme_id)?;
        let rating = UnitRating {
            class: IndustryClass::new(*class)?,
            tier: Rate::ONE,
        };
        for (m, month) in months.iter().enumerate() {
            let first: Date = format!("{month}-01")
                .parse()
                .map_err(|e: jiff::Error| CliError(e.to_string()))?;
            let mut total = Money::ZERO;
            for (id, wage) in people {
                declarations_csv.line(&format!("{code},{scheme_id},{month},{id},{wage}"))?;
                let p = billing::monthly_premium(&policy, scheme, *wage, Some(rating), first)?;
                total = total.checked_add(p.gross).expect("fen");
            }
            bills += 1;
            let rng =
                &mut SplitMix64::for_row(args.seed ^ 0x7061, (*unit_index as u64) * 16 + m as u64);
            let reference = format!("M{}-{code}-{scheme_id}", month.replace('-', ""));
            // Paid within the 20 days before the file is made: a payment is
            // recorded when it arrives, and the agency refuses a `paid_on`
            // long before that (the months are 2025's; they are paid late).
            let paid_on = crate::today_in_china()
                .checked_sub(jiff::Span::new().days(rng.between(0, 20) as i64))
                .map_err(|e| CliError(e.to_string()))?;
            match rng.below(100) {
                0..85 => payments_csv.line(&format!(
                    "{reference},{total},{paid_on},P{}-{}",
                    month.replace('-', ""),
                    code
                ))?,
                85..95 if total.fen() > 1 => {
                    let half = Money::from_fen(total.fen() / 2);
                    payments_csv.line(&format!(
                        "{reference},{half},{paid_on},P{}-{}-part",
                        month.replace('-', ""),
                        code
                    ))?;
                }
                _ => {}
            }
        }
    }
    declarations_csv.commit()?;
    payments_csv.commit()?;
    println!(
        "{} units, {people} people, {enrolled} enrollments, {bills} monthly bills (seed {}) written to {}",
        units.len(),
        args.seed,
        args.out.display()
    );
    Ok(())
}

/// Writes `count` orders of seed `seed` to `path` (under a temporary name).
pub fn write_orders(path: &Path, count: u64, seed: u64) -> Result<(), CliError> {
    write_orders_over(path, count, seed, date(2025, 7, 1), 184)
}

/// As [`write_orders`], over `days` days from `first_day` (`bench monitor`
/// writes a later import's orders with it).
pub fn write_orders_over(
    path: &Path,
    count: u64,
    seed: u64,
    first_day: Date,
    days: u64,
) -> Result<(), CliError> {
    let policy = PolicySet::embedded()?;
    let scheme = policy.scheme(&ORDER_SCHEME_ID)?;
    let platforms: Vec<(&str, Vec<OrderIndustry>, Date)> = gongshang_app::PLATFORM_ALIASES
        .iter()
        .filter_map(|(alias, name)| {
            scheme
                .platforms
                .iter()
                .find(|p| p.name == *name)
                .map(|p| (*alias, p.industries.clone(), p.from))
        })
        .collect();
    // Big platforms take most orders.
    let weights: Vec<u64> = platforms
        .iter()
        .map(|(a, _, _)| match *a {
            "meituan" => 40,
            "eleme" => 25,
            "didi" => 10,
            _ => 3,
        })
        .collect();
    let provinces: Vec<&str> = scheme.areas.iter().map(|a| a.prefix.as_str()).collect();
    let workers = order_workers(count);
    let mut out = Writer::create(
        path,
        "platform,order_id,resident_id,ordered_at,industry,province",
    )?;
    let mut line = String::with_capacity(128);
    for i in 0..count {
        let rng = &mut SplitMix64::for_row(seed, i);
        let (alias, industries, _) = &platforms[rng.weighted(&weights)];
        let industry = pick(rng, industries);
        let worker = rng.below(workers);
        let (id, province) = order_worker(seed, worker, &provinces)?;
        // Days spread over July to December; lunch and dinner peaks.
        let day = first_day
            .checked_add(Span::new().days((i * days / count.max(1)) as i64))
            .map_err(|e| CliError(e.to_string()))?;
        let hour = match rng.below(10) {
            0..3 => rng.between(11, 13),
            3..6 => rng.between(17, 20),
            _ => rng.between(7, 22),
        };
        let (minute, second) = (rng.below(60), rng.below(60));
        let industry = match industry {
            OrderIndustry::RideHailing => "ride_hailing",
            OrderIndustry::InstantDelivery => "instant_delivery",
            OrderIndustry::IntraCityFreight => "intra_city_freight",
        };
        line.clear();
        use std::fmt::Write as _;
        // Fixed-width order numbers that grow with time, as platforms issue
        // them (so a platform's orders arrive in key order).
        let _ = write!(
            line,
            "{alias},{alias}-{seed}-{i:010},{id},{day}T{hour:02}:{minute:02}:{second:02}+08:00,{industry},{province}"
        );
        out.line(&line)?;
    }
    out.commit()
}

/// The number of different workers among `count` synthetic orders.
fn order_workers(count: u64) -> u64 {
    (count / 40).clamp(1, 2_000_000)
}

/// Worker `worker` of the synthetic orders of seed `seed`: the identity
/// number and the province of their orders.
fn order_worker<'a>(
    seed: u64,
    worker: u64,
    provinces: &[&'a str],
) -> Result<(String, &'a str), CliError> {
    let wrng = &mut SplitMix64::for_row(seed ^ 0x776f, worker);
    let birth = date(1970, 1, 1)
        .checked_add(Span::new().days(wrng.between(0, 35 * 365) as i64))
        .map_err(|e| CliError(e.to_string()))?;
    let province = pick(wrng, provinces);
    let region = format!("{province}0100");
    Ok((resident_id(&region, birth, wrng.below(1000)), province))
}

/// The identity numbers of the workers of [`write_orders`]' `count` orders
/// of seed `seed`, each once (`bench import --enrol-order-workers` enrols
/// them).
pub fn order_worker_ids(count: u64, seed: u64) -> Result<Vec<String>, CliError> {
    let policy = PolicySet::embedded()?;
    let scheme = policy.scheme(&ORDER_SCHEME_ID)?;
    let provinces: Vec<&str> = scheme.areas.iter().map(|a| a.prefix.as_str()).collect();
    let mut seen = std::collections::HashSet::new();
    let mut ids = Vec::new();
    for worker in 0..order_workers(count) {
        let (id, _) = order_worker(seed, worker, &provinces)?;
        if seen.insert(id.clone()) {
            ids.push(id);
        }
    }
    Ok(ids)
}

pub fn orders(args: &SynthOrdersArgs) -> Result<(), CliError> {
    write_orders(&args.out, args.count, args.seed)?;
    println!(
        "{} synthetic orders (seed {}) written to {}",
        args.count,
        args.seed,
        args.out.display()
    );
    Ok(())
}
