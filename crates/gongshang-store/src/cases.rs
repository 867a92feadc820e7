//! Injury cases, appraisals, awards and the payroll of periodic benefits.

use crate::Store;
use crate::engine::{Backend, SqlStore};

/// Injury cases, appraisals, awards and the payroll of periodic benefits. A part of [`Store`].
pub trait CaseStore {}

impl<B: Backend> CaseStore for SqlStore<B> {}

#[allow(dead_code)]
fn _object_safe(_: &dyn Store) {}
