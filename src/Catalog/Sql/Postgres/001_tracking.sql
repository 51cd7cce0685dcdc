-- Tracking catalog. Every table carries a workspace column so tenants can be added without a rewrite.
CREATE TABLE experiments (
    workspace TEXT NOT NULL DEFAULT 'default',
    experiment_id BIGINT NOT NULL PRIMARY KEY,
    name TEXT NOT NULL,
    artifact_location TEXT NOT NULL,
    lifecycle_stage INTEGER NOT NULL,
    creation_time BIGINT NOT NULL,
    last_update_time BIGINT NOT NULL
);
CREATE UNIQUE INDEX ux_experiments_name ON experiments (workspace, name);

CREATE TABLE experiment_tags (
    workspace TEXT NOT NULL DEFAULT 'default',
    experiment_id BIGINT NOT NULL,
    key TEXT NOT NULL,
    value TEXT NOT NULL,
    PRIMARY KEY (experiment_id, key)
);

CREATE TABLE runs (
    workspace TEXT NOT NULL DEFAULT 'default',
    run_id TEXT NOT NULL PRIMARY KEY,
    experiment_id BIGINT NOT NULL,
    run_name TEXT NOT NULL,
    user_id TEXT NOT NULL,
    status INTEGER NOT NULL,
    start_time BIGINT NOT NULL,
    end_time BIGINT NULL,
    artifact_uri TEXT NOT NULL,
    lifecycle_stage INTEGER NOT NULL,
    parent_run_id TEXT NULL
);
CREATE INDEX ix_runs_experiment ON runs (experiment_id, lifecycle_stage, start_time DESC, run_id);

CREATE TABLE run_params (
    workspace TEXT NOT NULL DEFAULT 'default',
    run_id TEXT NOT NULL,
    key TEXT NOT NULL,
    value TEXT NOT NULL,
    PRIMARY KEY (run_id, key)
);
CREATE INDEX ix_run_params_key ON run_params (key);

CREATE TABLE run_tags (
    workspace TEXT NOT NULL DEFAULT 'default',
    run_id TEXT NOT NULL,
    key TEXT NOT NULL,
    value TEXT NOT NULL,
    PRIMARY KEY (run_id, key)
);
CREATE INDEX ix_run_tags_key ON run_tags (key);

-- value is NULL for NaN (SQLite cannot store NaN); value_bits keeps the exact double.
CREATE TABLE latest_metrics (
    workspace TEXT NOT NULL DEFAULT 'default',
    run_id TEXT NOT NULL,
    key TEXT NOT NULL,
    value DOUBLE PRECISION NULL,
    value_bits BIGINT NOT NULL,
    step BIGINT NOT NULL,
    timestamp BIGINT NOT NULL,
    PRIMARY KEY (run_id, key)
);
CREATE INDEX ix_latest_metrics_key ON latest_metrics (key, value);

-- Every accepted point once: the unique index makes a retried identical point a no-op and serves history reads.
CREATE TABLE metrics (
    workspace TEXT NOT NULL DEFAULT 'default',
    run_id TEXT NOT NULL,
    seq BIGINT NOT NULL,
    key TEXT NOT NULL,
    step BIGINT NOT NULL,
    timestamp BIGINT NOT NULL,
    value_bits BIGINT NOT NULL,
    PRIMARY KEY (run_id, seq)
);
CREATE UNIQUE INDEX ux_metrics_point ON metrics (run_id, key, step, timestamp, value_bits);

CREATE TABLE run_inputs (
    workspace TEXT NOT NULL DEFAULT 'default',
    run_id TEXT NOT NULL,
    name TEXT NOT NULL,
    digest TEXT NOT NULL,
    source_type TEXT NOT NULL,
    source TEXT NOT NULL,
    schema TEXT NOT NULL,
    profile TEXT NOT NULL,
    context TEXT NOT NULL,
    tags_json TEXT NOT NULL,
    logged_at BIGINT NOT NULL,
    PRIMARY KEY (run_id, name, digest)
);

-- Highest durable batch per streaming writer, so a batch re-sent after a reconnect is recognised.
CREATE TABLE ingest_cursors (
    workspace TEXT NOT NULL DEFAULT 'default',
    run_id TEXT NOT NULL,
    writer_id TEXT NOT NULL,
    batch_sequence BIGINT NOT NULL,
    PRIMARY KEY (run_id, writer_id)
);
