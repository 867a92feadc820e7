//! Integration tests of the rules engine (one test binary, see conventions).
//!
//! - [`legal_cases`]: legal cases as data, `test_data/cases/*.json`, one file
//!   per case, named after the article it tests.
//! - [`contribution`]: the monthly contribution, `test_data/contribution.json`.
//! - [`properties`]: invariants with proptest (fixed seed, printed on failure).
//! - [`snapshots`]: traces of a few cases, reviewed as insta snapshots.
//! - [`policy_loader`]: the policy files and their validation.

mod advance;
mod article_map;
mod contribution;
mod deferral;
mod guangdong_wages;
mod legal_cases;
mod missing_and_repeat;
mod policy_loader;
mod properties;
mod scheme_procedures;
mod smoke;
mod snapshots;
mod uninsured;
mod unlicensed;

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use gongshang_rules::PolicySet;

/// The shipped policy set, parsed once for the whole binary.
pub fn policy() -> &'static PolicySet {
    static POLICY: OnceLock<PolicySet> = OnceLock::new();
    POLICY.get_or_init(|| PolicySet::embedded().expect("the shipped policy files are valid"))
}

/// `test_data/` of this crate.
pub fn test_data() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("test_data")
}
mod schemes;
