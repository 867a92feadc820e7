-- Large tables: builds four indexes on enrollments, bills and payments. CREATE INDEX
-- holds a SHARE lock for the build (reads go on, writes to those tables wait): on
-- tens of millions of rows, minutes. Before applying it to such a database, build
-- them with CREATE INDEX CONCURRENTLY under the same names by hand; this file then
-- fails on the names, so mark it applied (see DESIGN.md, "Migrations on a live database").
-- Read models for the web UI's lists and the dashboard (crates/gongshang-store/src/views.rs).
-- Only indexes: the views read the registry, bills and ledger tables as they are.
CREATE INDEX enrollments_scheme_dates ON enrollments(scheme_id, start_date);
CREATE INDEX bills_due_date ON bills(due_date);
CREATE INDEX bills_person ON bills(person_id);
CREATE INDEX payments_paid_on ON payments(paid_on);
