-- Large tables: none; it only creates new tables.
-- Saved reform scenarios and simulation jobs (issue 14):
-- - sim_scenarios: a reform as TOML (validated by the app as a projection
--   validates it), with a name, a description, who saved it and when; saving
--   under a name again is a new version, the old ones kept. Archiving marks
--   the latest version (hidden from the list); nothing is deleted.
-- - sim_jobs: a projection run in the background: the reform as run (and the
--   scenario version it came from), the population, seed, horizon and
--   replicates; its state, stage and done/total while it runs; the result as
--   JSON once done, or the refusal (code, field, detail) once failed. A job
--   found running when a server starts is marked interrupted.
-- PostgreSQL dialect; keep in step with ../sqlite/0280_simulation_scenarios_jobs.sql.
CREATE TABLE sim_scenarios (
    id               BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name             TEXT    NOT NULL CHECK (length(name) > 0),
    version          BIGINT  NOT NULL CHECK (version >= 1),
    description      TEXT    NOT NULL,
    reform           TEXT    NOT NULL,
    saved_by         TEXT    NOT NULL CHECK (length(saved_by) > 0),
    saved_at         TEXT    NOT NULL,
    archived_by      TEXT,
    archived_at      TEXT,
    UNIQUE (name, version)
);
CREATE TRIGGER sim_scenarios_no_delete BEFORE DELETE ON sim_scenarios
    FOR EACH ROW EXECUTE FUNCTION gongshang_refuse_change('scenarios are kept: archive one instead');
CREATE TABLE sim_jobs (
    id               BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    scenario_id      BIGINT  REFERENCES sim_scenarios(id),
    reform           TEXT,
    source           TEXT    NOT NULL CHECK (source IN ('synthetic', 'stored')),
    people           BIGINT,
    stored_on        TEXT,
    unitless_class   BIGINT,
    seed             TEXT    NOT NULL,
    start_year       BIGINT  NOT NULL,
    years            BIGINT  NOT NULL,
    replicates       BIGINT  NOT NULL,
    status           TEXT    NOT NULL CHECK (status IN ('queued', 'running', 'done', 'failed', 'interrupted')),
    stage            TEXT    NOT NULL,
    done             BIGINT  NOT NULL,
    total            BIGINT  NOT NULL,
    error_code       TEXT,
    error_field      TEXT,
    error_detail     TEXT,
    result           TEXT,
    requested_by     TEXT    NOT NULL CHECK (length(requested_by) > 0),
    requested_at     TEXT    NOT NULL,
    started_at       TEXT,
    finished_at      TEXT,
    CHECK (source = 'stored' OR people IS NOT NULL),
    CHECK (source = 'synthetic' OR stored_on IS NOT NULL)
);
CREATE INDEX sim_jobs_status ON sim_jobs(status, id);
CREATE TRIGGER sim_jobs_no_delete BEFORE DELETE ON sim_jobs
    FOR EACH ROW EXECUTE FUNCTION gongshang_refuse_change('simulation jobs are kept');
INSERT INTO schema_distribution (table_name, distribution, region_key) VALUES
    ('sim_scenarios', 'reference', 'name, version (the analysts'' scenarios, no region)'),
    ('sim_jobs', 'reference', 'id (the analysts'' runs, aggregates only)')
ON CONFLICT (table_name) DO NOTHING;
