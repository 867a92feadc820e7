//! The Chinese wording of the domain's vocabulary: dates, articles, grounds,
//! exclusions, materials, who applied, schemes, nursing levels.

use gongshang_domain::determination::{
    ApplicantRole, Exclusion, Ground, InadmissibleReason, MaterialKind, SchemeKind,
};
use gongshang_rules::benefits::NursingLevel;
use jiff::civil::Date;

use crate::model::PaidEvery;

pub const REGULATIONS: &str = "《工伤保险条例》";
pub const MEASURES: &str = "《工伤认定办法》";

/// `2025年3月3日` (GB/T 9704-2012 writes dates in Arabic numerals).
pub fn date(d: Date) -> String {
    format!("{}年{}月{}日", d.year(), d.month(), d.day())
}

/// 1 → 一, ..., 10 → 十 (the numbers articles and grades use).
pub fn numeral(n: u8) -> &'static str {
    const N: [&str; 11] = [
        "零", "一", "二", "三", "四", "五", "六", "七", "八", "九", "十",
    ];
    N.get(usize::from(n)).copied().unwrap_or("?")
}

/// The article and the words of a ground of recognition (条例 Arts 14, 15).
pub fn ground(g: Ground) -> (String, &'static str) {
    let (article, item, words) = match g {
        Ground::Art14WorkAccident => (14, 1, "在工作时间和工作场所内，因工作原因受到事故伤害的"),
        Ground::Art14PreparatoryOrClosingWork => (
            14,
            2,
            "工作时间前后在工作场所内，从事与工作有关的预备性或者收尾性工作受到事故伤害的",
        ),
        Ground::Art14ViolenceOnDuty => (
            14,
            3,
            "在工作时间和工作场所内，因履行工作职责受到暴力等意外伤害的",
        ),
        Ground::Art14OccupationalDisease => (14, 4, "患职业病的"),
        Ground::Art14BusinessTrip => (
            14,
            5,
            "因工外出期间，由于工作原因受到伤害或者发生事故下落不明的",
        ),
        Ground::Art14Commuting => (
            14,
            6,
            "在上下班途中，受到非本人主要责任的交通事故或者城市轨道交通、客运轮渡、火车事故伤害的",
        ),
        Ground::Art14OtherByLaw => (14, 7, "法律、行政法规规定应当认定为工伤的其他情形"),
        Ground::Art15SuddenIllnessDeath => (
            15,
            1,
            "在工作时间和工作岗位，突发疾病死亡或者在48小时之内经抢救无效死亡的",
        ),
        Ground::Art15DisasterReliefOrPublicInterest => {
            (15, 2, "在抢险救灾等维护国家利益、公共利益活动中受到伤害的")
        }
        Ground::Art15VeteranOldWound => (
            15,
            3,
            "职工原在军队服役，因战、因公负伤致残，已取得革命伤残军人证，到用人单位后旧伤复发的",
        ),
    };
    let article = if article == 15 {
        format!("{REGULATIONS}第十五条第一款第（{}）项", numeral(item))
    } else {
        format!("{REGULATIONS}第十四条第（{}）项", numeral(item))
    };
    (article, words)
}

/// The article and the words of an exclusion (条例 Art 16).
pub fn exclusion(e: Exclusion) -> (String, &'static str) {
    let (item, words) = match e {
        Exclusion::IntentionalCrime => (1, "故意犯罪的"),
        Exclusion::DrunkennessOrDrugs => (2, "醉酒或者吸毒的"),
        Exclusion::SelfHarmOrSuicide => (3, "自残或者自杀的"),
    };
    (
        format!("{REGULATIONS}第十六条第（{}）项", numeral(item)),
        words,
    )
}

/// A material of an application (条例 Art 18; 办法 Art 6).
pub fn material(m: &MaterialKind) -> String {
    match m {
        MaterialKind::ApplicationForm => "工伤认定申请表".into(),
        MaterialKind::LabourRelationProof => {
            "与用人单位存在劳动关系（包括事实劳动关系）的证明材料".into()
        }
        MaterialKind::MedicalDiagnosis => "医疗机构出具的受伤后诊断证明书".into(),
        MaterialKind::OccupationalDiseaseDiagnosis => {
            "职业病诊断证明书（或者职业病诊断鉴定书）".into()
        }
        MaterialKind::TrafficAccidentFinding => {
            "交通事故认定书或者其他有关部门出具的责任认定材料".into()
        }
        MaterialKind::DeathCertificate => "死亡证明".into(),
        MaterialKind::VeteranDisabilityCertificate => "革命伤残军人证".into(),
        MaterialKind::Other { name } => name.clone(),
    }
}

pub fn applicant_role(r: ApplicantRole) -> &'static str {
    match r {
        ApplicantRole::Unit => "用人单位",
        ApplicantRole::Worker => "职工本人",
        ApplicantRole::CloseRelative => "职工近亲属",
        ApplicantRole::Union => "工会组织",
    }
}

/// How a notice addresses the applicant: 你单位 or 你.
pub fn you(r: ApplicantRole) -> &'static str {
    match r {
        ApplicantRole::Unit | ApplicantRole::Union => "你单位",
        ApplicantRole::Worker | ApplicantRole::CloseRelative => "你",
    }
}

pub fn scheme_kind(k: SchemeKind) -> &'static str {
    match k {
        SchemeKind::Regulations => "工伤保险",
        SchemeKind::SingleRisk => "单项参加工伤保险",
        SchemeKind::Platform => "新就业形态人员职业伤害保障",
        SchemeKind::Insurer => "商业保险承保的职业伤害保障",
    }
}

pub fn nursing(n: NursingLevel) -> &'static str {
    match n {
        NursingLevel::Fully => "生活完全不能自理",
        NursingLevel::Mostly => "生活大部分不能自理",
        NursingLevel::Partly => "生活部分不能自理",
    }
}

pub fn paid(p: PaidEvery) -> &'static str {
    match p {
        PaidEvery::Once => "一次性",
        PaidEvery::Month => "按月",
    }
}

/// Why the application is inadmissible, and what it rests on, as a sentence
/// (without the final 决定不予受理).
pub fn inadmissible(
    reason: &InadmissibleReason,
    scheme_name: Option<&str>,
    worker: &str,
) -> String {
    match reason {
        InadmissibleReason::NotCoveredAtInjury { scheme } => {
            let name = scheme_name.unwrap_or(scheme.as_str());
            format!(
                "{worker}受到伤害时不在{name}的保障期内（未参保或者未缴费）。按照该方案的规定，\
                 受到伤害时已参保并处于保障期内，方可申请工伤认定，本申请不符合受理条件。"
            )
        }
        InadmissibleReason::PastOneYearLimit { last_day } => format!(
            "本申请已超过{REGULATIONS}第十七条第二款规定的1年申请时限（申请时限的最后一日为{}），\
             不符合受理条件。",
            date(*last_day)
        ),
        InadmissibleReason::AccidentAlreadyRecognised { accident_key } => format!(
            "该事故伤害已经作出认定工伤的决定（事故标识：{accident_key}），\
             同一事故伤害不重复认定，本申请不符合受理条件。"
        ),
        InadmissibleReason::Other { explanation } => {
            let mut text = explanation.trim().to_owned();
            if !text.ends_with(['。', '！', '；']) {
                text.push('。');
            }
            text
        }
    }
}
