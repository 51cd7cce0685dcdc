-- MLflow 3's logged models (issue 17): one row per model id, its params and tags, and the models each run produced
-- (runs/outputs) or consumed (runs/log-inputs). Deleting is soft, as for runs: a deleted model keeps its row.
CREATE TABLE logged_models (
    workspace TEXT NOT NULL DEFAULT 'default',
    model_id TEXT NOT NULL PRIMARY KEY,
    experiment_id INTEGER NOT NULL,
    name TEXT NOT NULL,
    source_run_id TEXT,
    model_type TEXT,
    status INTEGER NOT NULL,
    status_message TEXT,
    creation_time INTEGER NOT NULL,
    last_updated_time INTEGER NOT NULL,
    artifact_root TEXT NOT NULL,
    lifecycle_stage INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX ix_logged_models_experiment ON logged_models (experiment_id, lifecycle_stage, creation_time DESC, model_id);
CREATE TABLE logged_model_params (
    workspace TEXT NOT NULL DEFAULT 'default',
    model_id TEXT NOT NULL,
    key TEXT NOT NULL,
    value TEXT NOT NULL,
    PRIMARY KEY (model_id, key)
) WITHOUT ROWID;
CREATE TABLE logged_model_tags (
    workspace TEXT NOT NULL DEFAULT 'default',
    model_id TEXT NOT NULL,
    key TEXT NOT NULL,
    value TEXT NOT NULL,
    PRIMARY KEY (model_id, key)
) WITHOUT ROWID;
CREATE TABLE run_model_links (
    workspace TEXT NOT NULL DEFAULT 'default',
    run_id TEXT NOT NULL,
    model_id TEXT NOT NULL,
    is_output INTEGER NOT NULL,
    step INTEGER,
    PRIMARY KEY (run_id, is_output, model_id)
) WITHOUT ROWID;
-- Metrics logged with a model id (a run's metric that also belongs to the model, maybe on a dataset): a logged model's
-- data.metrics, and what logged-model searches filter and order by. value is NULL for NaN; value_bits is exact.
CREATE TABLE logged_model_metrics (
    workspace TEXT NOT NULL DEFAULT 'default',
    model_id TEXT NOT NULL,
    run_id TEXT NOT NULL,
    key TEXT NOT NULL,
    step INTEGER NOT NULL,
    timestamp INTEGER NOT NULL,
    dataset_name TEXT NOT NULL,
    dataset_digest TEXT NOT NULL,
    value REAL NULL,
    value_bits INTEGER NOT NULL,
    PRIMARY KEY (model_id, key, run_id, step, timestamp, dataset_name, dataset_digest)
) WITHOUT ROWID;
