//! The words of an application for injury determination (工伤认定申请),
//! one list for every form that takes one: the clerk's intake, the unit's
//! injury report and the worker's own application. The grounds are the
//! Regulations' Arts 14-15 in their words; the materials Art 18's list.
//! Parsing refuses what is not on the list, naming the field, instead of
//! dropping a ticked box it does not know.

use std::collections::BTreeSet;

use gongshang_app::AppError;
use gongshang_domain::determination::{Ground, MaterialKind};

/// The grounds of Arts 14 and 15, as (value, Chinese, English).
pub const GROUNDS: [(&str, &str, &str); 10] = [
    (
        "art14_1_work_accident",
        "工作时间和工作场所内，因工作原因受到事故伤害（第十四条第一项）",
        "At work, at the workplace, for work (Art 14(1))",
    ),
    (
        "art14_2_preparatory_or_closing_work",
        "工作前后在工作场所内从事预备性或收尾性工作受到事故伤害（第十四条第二项）",
        "Preparatory or closing work (Art 14(2))",
    ),
    (
        "art14_3_violence_while_on_duty",
        "因履行工作职责受到暴力等意外伤害（第十四条第三项）",
        "Violence while on duty (Art 14(3))",
    ),
    (
        "art14_4_occupational_disease",
        "患职业病（第十四条第四项）",
        "Occupational disease (Art 14(4))",
    ),
    (
        "art14_5_business_trip",
        "因工外出期间受到伤害（第十四条第五项）",
        "On a business trip (Art 14(5))",
    ),
    (
        "art14_6_commuting",
        "上下班途中非本人主要责任的交通事故等（第十四条第六项）",
        "Commuting, not mainly at fault (Art 14(6))",
    ),
    (
        "art14_7_other_by_law",
        "法律、行政法规规定的其他情形（第十四条第七项）",
        "Other cases set by law (Art 14(7))",
    ),
    (
        "art15_1_sudden_illness_death",
        "工作时间和岗位突发疾病死亡或48小时内抢救无效死亡（第十五条第一项）",
        "Sudden illness at work, death within 48 hours (Art 15(1))",
    ),
    (
        "art15_2_disaster_relief_or_public_interest",
        "抢险救灾等维护国家利益、公共利益活动中受到伤害（第十五条第二项）",
        "Disaster relief or public interest (Art 15(2))",
    ),
    (
        "art15_3_veteran_old_wound",
        "因战、因公负伤致残的转业、复员军人旧伤复发（第十五条第三项）",
        "Veteran's old wound (Art 15(3))",
    ),
];

/// The materials of Art 18 and what a ground adds, as (value, Chinese, English).
pub const MATERIALS: [(&str, &str, &str); 7] = [
    ("application_form", "工伤认定申请表", "Application form"),
    (
        "labour_relation_proof",
        "劳动关系（含事实劳动关系）证明材料",
        "Proof of the labour relation",
    ),
    ("medical_diagnosis", "医疗诊断证明", "Medical diagnosis"),
    (
        "occupational_disease_diagnosis",
        "职业病诊断证明书（职业病时）",
        "Occupational-disease diagnosis (for a disease)",
    ),
    (
        "traffic_accident_finding",
        "交通事故认定书等责任认定（上下班途中时）",
        "Traffic-accident finding (commuting)",
    ),
    (
        "death_certificate",
        "死亡证明（死亡时）",
        "Death certificate (a death)",
    ),
    (
        "veteran_disability_certificate",
        "革命伤残军人证（旧伤复发时）",
        "Veteran's disability certificate",
    ),
];

/// The ground a form sent, or an error at `field`.
pub fn ground_of(field: &'static str, name: &str) -> Result<Ground, AppError> {
    if !GROUNDS.iter().any(|(v, _, _)| *v == name) {
        return Err(AppError::invalid(
            field,
            format!("{name:?} is not a ground of Arts 14-15"),
        ));
    }
    serde_json::from_value(serde_json::Value::String(name.to_owned()))
        .map_err(|e| AppError::invalid(field, e.to_string()))
}

/// The materials ticked, each one on the list, or an error at `materials`.
pub fn materials_of<S: AsRef<str>>(names: &[S]) -> Result<BTreeSet<MaterialKind>, AppError> {
    let mut out = BTreeSet::new();
    for name in names {
        let name = name.as_ref();
        let kind = MATERIALS
            .iter()
            .any(|(v, _, _)| *v == name)
            .then(|| serde_json::from_value(serde_json::json!({ "kind": name })).ok())
            .flatten()
            .ok_or_else(|| AppError::invalid("materials", format!("{name:?} is not a material")))?;
        out.insert(kind);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_listed_ground_and_material_parses_and_others_are_refused() {
        for (v, _, _) in GROUNDS {
            assert!(ground_of("ground", v).is_ok(), "{v}");
        }
        let all: Vec<&str> = MATERIALS.iter().map(|(v, _, _)| *v).collect();
        assert_eq!(materials_of(&all).unwrap().len(), MATERIALS.len());
        assert!(ground_of("ground", "art16_excluded").is_err());
        let e = materials_of(&["medical_diagnosis", "a_letter"]).unwrap_err();
        assert!(e.to_string().contains("a_letter"), "{e}");
    }
}
