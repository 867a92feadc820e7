-- Issue 15: what a ticket is about (a case, a bill, an enrolment) is looked
-- up from the bill's and the enrolment's pages, and a mediation agreement is
-- sent to a body for review like a referral. SQLite dialect; keep in step
-- with ../postgres/0070_ticket_subjects_reviews.sql.
CREATE INDEX tickets_subject ON tickets(subject_kind, subject_ref) WHERE subject_kind IS NOT NULL;

-- Why the ticket went to the body: a dispute referred to it, or a mediation
-- agreement sent for review (arbitration review, judicial confirmation);
-- a review's answer: confirmed (1) or not (0).
ALTER TABLE ticket_referrals ADD COLUMN purpose TEXT NOT NULL DEFAULT 'dispute' CHECK (purpose IN ('dispute', 'review'));
ALTER TABLE ticket_referrals ADD COLUMN confirmed INTEGER CHECK (confirmed IN (0, 1));
