//! accounts

#[allow(unused_imports)]
use crate::App;
