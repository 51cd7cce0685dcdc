-- Model registry. Models are keyed by an immutable id; names are unique per workspace and may change.
CREATE TABLE registered_models (
    workspace TEXT NOT NULL DEFAULT 'default',
    model_id TEXT NOT NULL PRIMARY KEY,
    name TEXT NOT NULL,
    description TEXT NOT NULL,
    user_id TEXT NOT NULL,
    creation_time INTEGER NOT NULL,
    last_updated_time INTEGER NOT NULL
) WITHOUT ROWID;
CREATE UNIQUE INDEX ux_registered_models_name ON registered_models (workspace, name);

CREATE TABLE registered_model_tags (
    workspace TEXT NOT NULL DEFAULT 'default',
    model_id TEXT NOT NULL,
    key TEXT NOT NULL,
    value TEXT NOT NULL,
    PRIMARY KEY (model_id, key)
) WITHOUT ROWID;

-- The primary key is the guard that no two activations (say, during a membership change) hand out one number twice.
CREATE TABLE model_versions (
    workspace TEXT NOT NULL DEFAULT 'default',
    model_id TEXT NOT NULL,
    version INTEGER NOT NULL,
    creation_time INTEGER NOT NULL,
    last_updated_time INTEGER NOT NULL,
    user_id TEXT NOT NULL,
    stage INTEGER NOT NULL,
    description TEXT NOT NULL,
    source TEXT NOT NULL,
    run_id TEXT NOT NULL,
    run_link TEXT NOT NULL,
    status INTEGER NOT NULL,
    status_message TEXT NOT NULL,
    storage_location TEXT NOT NULL,
    digest TEXT NOT NULL,
    PRIMARY KEY (model_id, version)
) WITHOUT ROWID;
CREATE INDEX ix_model_versions_run ON model_versions (run_id);

CREATE TABLE model_version_tags (
    workspace TEXT NOT NULL DEFAULT 'default',
    model_id TEXT NOT NULL,
    version INTEGER NOT NULL,
    key TEXT NOT NULL,
    value TEXT NOT NULL,
    PRIMARY KEY (model_id, version, key)
) WITHOUT ROWID;

CREATE TABLE model_aliases (
    workspace TEXT NOT NULL DEFAULT 'default',
    model_id TEXT NOT NULL,
    alias TEXT NOT NULL,
    version INTEGER NOT NULL,
    PRIMARY KEY (model_id, alias)
) WITHOUT ROWID;

-- Pinned copies of a version's files, each with its digest: the version's artifacts never change after registration.
CREATE TABLE model_version_files (
    workspace TEXT NOT NULL DEFAULT 'default',
    model_id TEXT NOT NULL,
    version INTEGER NOT NULL,
    path TEXT NOT NULL,
    size INTEGER NOT NULL,
    sha256 TEXT NOT NULL,
    PRIMARY KEY (model_id, version, path)
) WITHOUT ROWID;

CREATE TABLE model_promotions (
    workspace TEXT NOT NULL DEFAULT 'default',
    model_id TEXT NOT NULL,
    seq INTEGER NOT NULL,
    alias TEXT NOT NULL,
    from_version INTEGER NULL,
    to_version INTEGER NOT NULL,
    metric TEXT NOT NULL,
    candidate_value REAL NULL,
    holder_value REAL NULL,
    decision INTEGER NOT NULL,
    reason TEXT NOT NULL,
    user_id TEXT NOT NULL,
    at INTEGER NOT NULL,
    PRIMARY KEY (model_id, seq)
) WITHOUT ROWID;
