//! The server's integration tests: one binary (see the house rules).

// The API's tests (api_common.rs: a fresh server and database per test, on
// SQLite and PostgreSQL) and the UI's (common.rs: one demo server per binary).
mod accounts;
mod advances;
mod api_common;
mod browser;
mod changes_ui;
mod common;
mod deferrals;
mod flows;
mod fund;
mod handling;
mod late_fees;
mod liability;
mod matching;
mod medical;
mod missing;
mod monitor_api;
mod openapi;
mod payers;
mod plumbing;
mod recurrence;
mod roles;
mod scenarios_ui;
mod simulation_jobs;
mod staff_api;
mod staff_ui;
mod stats;
mod throttle;
mod tickets;
mod ui;
