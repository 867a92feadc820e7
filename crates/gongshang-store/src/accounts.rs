//! Accounts, sessions and API tokens.

use crate::Store;
use crate::engine::{Backend, SqlStore};

/// Accounts, sessions and API tokens. A part of [`Store`].
pub trait AccountStore {}

impl<B: Backend> AccountStore for SqlStore<B> {}

#[allow(dead_code)]
fn _object_safe(_: &dyn Store) {}
