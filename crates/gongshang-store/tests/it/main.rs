//! The storage test suite, written once against `&dyn Store` and run on
//! SQLite always and on PostgreSQL when GONGSHANG_TEST_POSTGRES_URL is set
//! (each test in a fresh schema of its own, dropped at the end).

mod advances;
mod back_payments;
mod bills;
mod cases;
mod common;
mod concurrency;
mod coverage;
mod deferrals;
mod fault;
mod fund;
mod ledger;
mod liability;
mod medical;
mod migrations;
mod monitor;
mod orders;
mod registry;
mod simulations;
mod tickets;
mod views;
