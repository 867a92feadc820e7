use gongshang_rules::{CaseInput, PolicySet, calculate_case};

#[test]
fn embedded_policies_load_and_a_case_computes() {
    let policy = PolicySet::embedded().expect("the shipped policy files are valid");
    let case: CaseInput = serde_json::from_str(
        r#"{"case_id":"smoke","region":"440100","injury_date":"2025-03-10","appraisal_date":"2025-10-01",
            "own_wage":"8500.00","grade":5,"job_arranged":false,"nursing":"partly","suspension_months":6,"hospital_days":10}"#,
    )
    .unwrap();
    let result = calculate_case(&policy, &case).unwrap();
    println!("{}", serde_json::to_string_pretty(&result.amounts).unwrap());
    assert_eq!(result.amounts.benefit_wage.to_string(), "8500.00");
    assert_eq!(
        result.amounts.one_time_disability_subsidy.to_string(),
        "153000.00"
    );
}
