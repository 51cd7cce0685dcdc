-- Materialization jobs (offline store -> online store). state is the coordinator's JSON (plan and per-partition progress),
-- so a job grain that lost its activation can take the job up again; status and error here are authoritative.
-- heartbeat_at is refreshed by the running coordinator; a job whose heartbeat went stale has lost it (its locks may be taken over).
CREATE TABLE materialization_jobs (
    workspace TEXT NOT NULL DEFAULT 'default',
    job_id TEXT NOT NULL,
    status INTEGER NOT NULL,
    error TEXT NULL,
    state TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    finished_at INTEGER NULL,
    heartbeat_at INTEGER NOT NULL,
    PRIMARY KEY (workspace, job_id)
) WITHOUT ROWID;
CREATE INDEX ix_materialization_jobs_created ON materialization_jobs (workspace, created_at);

-- One row per feature view being materialized: the primary key is what keeps two jobs off one view.
CREATE TABLE materialization_locks (
    workspace TEXT NOT NULL DEFAULT 'default',
    view_name TEXT NOT NULL,
    job_id TEXT NOT NULL,
    acquired_at INTEGER NOT NULL,
    PRIMARY KEY (workspace, view_name)
) WITHOUT ROWID;

-- Where incremental materialization of a view version resumes: the greatest end (UTC ticks) of a successful job.
CREATE TABLE materialization_state (
    workspace TEXT NOT NULL DEFAULT 'default',
    view_name TEXT NOT NULL,
    version INTEGER NOT NULL,
    last_end INTEGER NOT NULL,
    job_id TEXT NOT NULL,
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (workspace, view_name, version)
) WITHOUT ROWID;
