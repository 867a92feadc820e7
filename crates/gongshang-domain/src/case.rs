//! What a stored case is at any moment, as types: its flow, the state its
//! row shows, the streams of its events, and the status of an award. The
//! store maps each to a column by [`CaseState::as_str`] and friends; nothing
//! above the store compares their text.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::deadline::DeadlineKind;
pub use crate::determination::Flow;
use crate::error::DomainError;
use crate::{confirmation, determination, insurer_claim};

/// Implements `as_str`, `ALL`, `Display`, `FromStr` (an unknown text is an
/// `input_out_of_range` naming the allowed ones) over a fieldless enum.
macro_rules! text_enum {
    ($name:ident, $field:literal, { $($variant:ident => $text:literal),+ $(,)? }) => {
        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub const fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $text),+
                }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl FromStr for $name {
            type Err = DomainError;

            fn from_str(text: &str) -> Result<Self, Self::Err> {
                $name::ALL
                    .iter()
                    .copied()
                    .find(|v| v.as_str() == text)
                    .ok_or_else(|| {
                        let allowed: Vec<&str> = $name::ALL.iter().map(|v| v.as_str()).collect();
                        DomainError::out_of_range($field, text, allowed.join(", "))
                    })
            }
        }
    };
}

text_enum!(Flow, "flow", {
    Determination => "determination",
    Confirmation => "confirmation",
    InsurerClaim => "insurer_claim",
});

text_enum!(DeadlineKind, "deadline_kind", {
    UnitFiling => "unit_filing",
    PersonalFiling => "personal_filing",
    CompletenessReview => "completeness_review",
    Decision => "decision",
    Delivery => "delivery",
    ConfirmationDecision => "confirmation_decision",
    ClaimReview => "claim_review",
    ClaimPayout => "claim_payout",
    AppraisalConclusion => "appraisal_conclusion",
    ReappraisalApplication => "reappraisal_application",
    ReimbursementDecision => "reimbursement_decision",
    StopBenefitReport => "stop_benefit_report",
    RegistrationHandling => "registration_handling",
});

impl DeadlineKind {
    /// What the deadline is for, in Chinese.
    pub const fn label_zh(self) -> &'static str {
        match self {
            DeadlineKind::UnitFiling => "单位申请时限",
            DeadlineKind::PersonalFiling => "个人申请时限",
            DeadlineKind::CompletenessReview => "材料审核（受理）时限",
            DeadlineKind::Decision => "认定决定时限",
            DeadlineKind::Delivery => "送达时限",
            DeadlineKind::ConfirmationDecision => "职业伤害确认时限",
            DeadlineKind::ClaimReview => "理赔审核时限",
            DeadlineKind::ClaimPayout => "理赔支付时限",
            DeadlineKind::AppraisalConclusion => "鉴定结论时限",
            DeadlineKind::ReappraisalApplication => "再次鉴定申请时限",
            DeadlineKind::ReimbursementDecision => "手工报销核定时限",
            DeadlineKind::StopBenefitReport => "停止享受待遇情形告知时限",
            DeadlineKind::RegistrationHandling => "参保登记办理时限",
        }
    }

    /// What the deadline is for, in English.
    pub const fn label_en(self) -> &'static str {
        match self {
            DeadlineKind::UnitFiling => "unit's filing",
            DeadlineKind::PersonalFiling => "personal filing",
            DeadlineKind::CompletenessReview => "completeness review",
            DeadlineKind::Decision => "decision",
            DeadlineKind::Delivery => "delivery",
            DeadlineKind::ConfirmationDecision => "confirmation decision",
            DeadlineKind::ClaimReview => "claim review",
            DeadlineKind::ClaimPayout => "claim payout",
            DeadlineKind::AppraisalConclusion => "appraisal conclusion",
            DeadlineKind::ReappraisalApplication => "re-appraisal application",
            DeadlineKind::ReimbursementDecision => "manual reimbursement decision",
            DeadlineKind::StopBenefitReport => "stop-benefit event reported",
            DeadlineKind::RegistrationHandling => "registration handled",
        }
    }
}

/// The state a case's row shows: the phase of its flow, or once the injury
/// is recognised (or confirmed), where its work-capacity appraisal stands.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CaseState {
    NotFiled,
    /// 工伤认定: the completeness review (办法 Art 8).
    CompletenessReview,
    /// 工伤认定: the one request for materials is out.
    AwaitingMaterials,
    /// 工伤认定: accepted, investigation and decision (条例 Art 20).
    Accepted,
    /// 工伤认定: decided.
    Decided,
    /// The confirmation or the claim under review.
    UnderReview,
    /// 职业伤害确认: confirmed.
    Confirmed,
    /// 职业伤害确认: denied.
    Denied,
    /// The insurer's claim: approved, to be paid.
    Approved,
    /// The insurer's claim: paid in full.
    Paid,
    /// The insurer's claim: declined.
    Declined,
    /// Inadmissible.
    Rejected,
    Withdrawn,
    /// 工伤认定: terminated for lack of grounds.
    Terminated,
    /// Recognised (or confirmed), the appraisal applied for and pending.
    AppraisalPending,
    /// Recognised (or confirmed) and appraised.
    Appraised,
}

text_enum!(CaseState, "state", {
    NotFiled => "not_filed",
    CompletenessReview => "completeness_review",
    AwaitingMaterials => "awaiting_materials",
    Accepted => "accepted",
    Decided => "decided",
    UnderReview => "under_review",
    Confirmed => "confirmed",
    Denied => "denied",
    Approved => "approved",
    Paid => "paid",
    Declined => "declined",
    Rejected => "rejected",
    Withdrawn => "withdrawn",
    Terminated => "terminated",
    AppraisalPending => "appraisal_pending",
    Appraised => "appraised",
});

impl CaseState {
    /// The state in Chinese, as a person reads it.
    pub const fn label_zh(self) -> &'static str {
        match self {
            CaseState::NotFiled => "未申请",
            CaseState::CompletenessReview => "材料审核中",
            CaseState::AwaitingMaterials => "待补正材料",
            CaseState::Accepted => "已受理",
            CaseState::Decided => "已作出认定",
            CaseState::UnderReview => "审核中",
            CaseState::Confirmed => "已确认",
            CaseState::Denied => "不予确认",
            CaseState::Approved => "已核准待支付",
            CaseState::Paid => "已支付",
            CaseState::Declined => "不予赔付",
            CaseState::Rejected => "不予受理",
            CaseState::Withdrawn => "已撤回",
            CaseState::Terminated => "已终止",
            CaseState::AppraisalPending => "劳动能力鉴定中",
            CaseState::Appraised => "已鉴定",
        }
    }

    /// The state in English.
    pub const fn label_en(self) -> &'static str {
        match self {
            CaseState::NotFiled => "not filed",
            CaseState::CompletenessReview => "materials under review",
            CaseState::AwaitingMaterials => "awaiting materials",
            CaseState::Accepted => "accepted",
            CaseState::Decided => "decided",
            CaseState::UnderReview => "under review",
            CaseState::Confirmed => "confirmed",
            CaseState::Denied => "denied",
            CaseState::Approved => "approved, to be paid",
            CaseState::Paid => "paid",
            CaseState::Declined => "declined",
            CaseState::Rejected => "inadmissible",
            CaseState::Withdrawn => "withdrawn",
            CaseState::Terminated => "terminated",
            CaseState::AppraisalPending => "appraisal pending",
            CaseState::Appraised => "appraised",
        }
    }
}

impl From<determination::Phase> for CaseState {
    fn from(p: determination::Phase) -> Self {
        use determination::Phase as P;
        match p {
            P::NotFiled => CaseState::NotFiled,
            P::CompletenessReview => CaseState::CompletenessReview,
            P::AwaitingMaterials => CaseState::AwaitingMaterials,
            P::Accepted => CaseState::Accepted,
            P::Decided => CaseState::Decided,
            P::Rejected => CaseState::Rejected,
            P::Withdrawn => CaseState::Withdrawn,
            P::Terminated => CaseState::Terminated,
        }
    }
}

impl From<confirmation::Phase> for CaseState {
    fn from(p: confirmation::Phase) -> Self {
        use confirmation::Phase as P;
        match p {
            P::NotFiled => CaseState::NotFiled,
            P::UnderReview => CaseState::UnderReview,
            P::Confirmed => CaseState::Confirmed,
            P::Denied => CaseState::Denied,
            P::Rejected => CaseState::Rejected,
            P::Withdrawn => CaseState::Withdrawn,
        }
    }
}

impl From<insurer_claim::Phase> for CaseState {
    fn from(p: insurer_claim::Phase) -> Self {
        use insurer_claim::Phase as P;
        match p {
            P::NotFiled => CaseState::NotFiled,
            P::UnderReview => CaseState::UnderReview,
            P::Approved => CaseState::Approved,
            P::Paid => CaseState::Paid,
            P::Declined => CaseState::Declined,
            P::Rejected => CaseState::Rejected,
            P::Withdrawn => CaseState::Withdrawn,
        }
    }
}

/// The streams of a case's events: its flow's, and its appraisal's.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EventStream {
    Determination,
    Confirmation,
    InsurerClaim,
    Appraisal,
}

text_enum!(EventStream, "stream", {
    Determination => "determination",
    Confirmation => "confirmation",
    InsurerClaim => "insurer_claim",
    Appraisal => "appraisal",
});

impl From<Flow> for EventStream {
    fn from(f: Flow) -> Self {
        match f {
            Flow::Determination => EventStream::Determination,
            Flow::Confirmation => EventStream::Confirmation,
            Flow::InsurerClaim => EventStream::InsurerClaim,
        }
    }
}

/// Why an award was computed.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AwardBasis {
    /// The first award of the case.
    Initial,
    /// A new appraisal conclusion (a re-appraisal or a review).
    NewAppraisal,
    /// A parameter was corrected or published late.
    ParameterCorrection,
    /// A fact of the case was corrected (a wage, a date, the dependants).
    FactsCorrected,
    /// The insurer's schedule of an accident scheme (益鹭保).
    InsurerSchedule,
    /// The unit settled the back-payment of its uninsured period: the fund
    /// pays the new costs after it (Regulations Art 62(3)).
    BackPayment,
}

text_enum!(AwardBasis, "basis", {
    Initial => "initial",
    NewAppraisal => "new_appraisal",
    ParameterCorrection => "parameter_correction",
    FactsCorrected => "facts_corrected",
    InsurerSchedule => "insurer_schedule",
    BackPayment => "back_payment",
});

/// Where an award stands (maker-checker: proposed by one person, approved
/// by another; a later approved award supersedes it).
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AwardStatus {
    Proposed,
    Approved,
    Superseded,
    Withdrawn,
}

text_enum!(AwardStatus, "status", {
    Proposed => "proposed",
    Approved => "approved",
    Superseded => "superseded",
    Withdrawn => "withdrawn",
});

impl AwardStatus {
    pub const fn label_zh(self) -> &'static str {
        match self {
            AwardStatus::Proposed => "待复核",
            AwardStatus::Approved => "已核准",
            AwardStatus::Superseded => "已被替代",
            AwardStatus::Withdrawn => "已撤回",
        }
    }

    pub const fn label_en(self) -> &'static str {
        match self {
            AwardStatus::Proposed => "awaiting review",
            AwardStatus::Approved => "approved",
            AwardStatus::Superseded => "superseded",
            AwardStatus::Withdrawn => "withdrawn",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_text_reads_back() {
        for s in CaseState::ALL {
            assert_eq!(s.as_str().parse::<CaseState>().unwrap(), *s);
            let json = serde_json::to_value(s).unwrap();
            assert_eq!(json, s.as_str());
        }
        for s in AwardStatus::ALL {
            assert_eq!(s.as_str().parse::<AwardStatus>().unwrap(), *s);
        }
        for s in EventStream::ALL {
            assert_eq!(s.as_str().parse::<EventStream>().unwrap(), *s);
        }
        for s in DeadlineKind::ALL {
            assert_eq!(s.as_str().parse::<DeadlineKind>().unwrap(), *s);
            assert_eq!(serde_json::to_value(s).unwrap(), s.as_str());
        }
        for s in Flow::ALL {
            assert_eq!(s.as_str().parse::<Flow>().unwrap(), *s);
        }
        assert_eq!(
            "closed".parse::<CaseState>().unwrap_err().code(),
            "input_out_of_range"
        );
    }
}
