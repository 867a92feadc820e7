//! Integration tests of the domain core (one test binary, see conventions).
//!
//! - [`ids`]: identifiers, `test_data/resident_ids.json` and
//!   `test_data/credit_codes.json`, plus generated valid numbers checked
//!   against an independent implementation.
//! - [`holidays`]: the shipped holiday arrangements and the calendar's checks.
//! - [`ledger`]: balanced transactions, reversals, idempotency; properties.
//! - [`coverage`]: cover from payments by the scheme's rule; properties.

mod appraisal;
mod coverage;
mod determination;
mod holidays;
mod ids;
mod ledger;
mod monitor;
mod ticket;

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use gongshang_rules::PolicySet;
use proptest::test_runner::{Config, RngSeed};

/// The shipped policy set, parsed once for the whole binary.
pub fn policy() -> &'static PolicySet {
    static POLICY: OnceLock<PolicySet> = OnceLock::new();
    POLICY.get_or_init(|| PolicySet::embedded().expect("the shipped policy files are valid"))
}

/// `test_data/` of this crate.
pub fn test_data() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("test_data")
}

/// The seed of every property unless PROPTEST_RNG_SEED is set ("gs-domai").
const DEFAULT_SEED: u64 = 0x6773_2d64_6f6d_6169;

/// The seed in use, printed in every property failure so that it can be replayed.
pub fn seed() -> u64 {
    match Config::default().rng_seed {
        RngSeed::Fixed(seed) => seed,
        RngSeed::Random => DEFAULT_SEED,
    }
}

/// A fixed seed and no regression files in the source tree.
pub fn proptest_config() -> Config {
    Config {
        cases: 256,
        rng_seed: RngSeed::Fixed(seed()),
        failure_persistence: None,
        ..Config::default()
    }
}
