-- Large tables: life_events (one row per event another body shares): its CHECK is dropped and added again, validated against the existing rows under an ACCESS EXCLUSIVE lock, no rewrite; match_hits and stop_benefit_reports are small.
-- A survivor's pension stops when the recipient takes up employment or joins
-- the army (劳社部令第18号 Art 4(2): 就业或参军) or is adopted by another person
-- or an organisation (Art 4(4): 被他人或组织收养): the life events another body
-- shares gain the kinds employment, enlistment and adoption, and the matching
-- hits and the stop-benefit reports (Decree 765 Art 25) the rules of the same
-- names. The column CHECKs (named by PostgreSQL <table>_<column>_check) are
-- dropped and added again, wider.
-- PostgreSQL dialect; keep in step with ../sqlite/0320_survivor_stop_events.sql
-- (SQLite rebuilds the three tables by its 12-step ALTER).
ALTER TABLE life_events DROP CONSTRAINT life_events_kind_check;
ALTER TABLE life_events ADD CONSTRAINT life_events_kind_check
    CHECK (kind IN ('death', 'marriage', 'pension_start', 'alive', 'employment', 'enlistment', 'adoption'));
ALTER TABLE match_hits DROP CONSTRAINT match_hits_rule_check;
ALTER TABLE match_hits ADD CONSTRAINT match_hits_rule_check
    CHECK (rule IN ('death', 'remarriage', 'dependant_turns_18', 'pension_start', 'employment', 'enlistment', 'adoption'));
ALTER TABLE stop_benefit_reports DROP CONSTRAINT stop_benefit_reports_event_check;
ALTER TABLE stop_benefit_reports ADD CONSTRAINT stop_benefit_reports_event_check
    CHECK (event IN ('death', 'remarriage', 'dependant_turns_18', 'pension_start', 'employment', 'enlistment', 'adoption'));
