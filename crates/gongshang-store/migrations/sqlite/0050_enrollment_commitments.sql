-- The commitment a unit makes when it enrols someone under a scheme that asks
-- for one (粤人社规〔2020〕55号 Art 6 and Annex 1, issue 17): the text agreed
-- as it stood, the article, electronically or on paper, that the insured
-- were informed of their rights and obligations, who made it and when. One
-- per enrolment, written in the enrolment's transaction, never changed.
-- sqlite dialect; keep in step with ../postgres/0050_enrollment_commitments.sql.
CREATE TABLE enrollment_commitments (
    enrollment_id    INTEGER PRIMARY KEY REFERENCES enrollments(id),
    text             TEXT    NOT NULL,
    article          TEXT    NOT NULL,
    form             TEXT    NOT NULL CHECK (form IN ('electronic', 'paper')),
    persons_informed INTEGER  NOT NULL CHECK (persons_informed = 1),
    made_by          TEXT    NOT NULL,
    made_at          TEXT    NOT NULL
);
