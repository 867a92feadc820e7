-- Large tables: builds one index on tickets (a share lock on tickets while it
-- builds: the service centre's tickets, thousands a year, seconds at most) and
-- adds two columns to ticket_referrals (a constant default and a nullable
-- column: catalogue only, no rewrite).
-- Issue 15: what a ticket is about (a case, a bill, an enrolment) is looked
-- up from the bill's and the enrolment's pages, and a mediation agreement is
-- sent to a body for review like a referral. PostgreSQL dialect; keep in step
-- with ../sqlite/0070_ticket_subjects_reviews.sql.
CREATE INDEX tickets_subject ON tickets(subject_kind, subject_ref) WHERE subject_kind IS NOT NULL;

ALTER TABLE ticket_referrals ADD COLUMN purpose TEXT NOT NULL DEFAULT 'dispute' CHECK (purpose IN ('dispute', 'review'));
ALTER TABLE ticket_referrals ADD COLUMN confirmed BIGINT CHECK (confirmed IN (0, 1));
