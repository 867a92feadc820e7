//! Read models for lists and the dashboard: paged listings and counts.

use crate::Store;
use crate::engine::{Backend, SqlStore};

/// Read models for lists and the dashboard: paged listings and counts. A part of [`Store`].
pub trait ViewStore {}

impl<B: Backend> ViewStore for SqlStore<B> {}

#[allow(dead_code)]
fn _object_safe(_: &dyn Store) {}
