-- Feature store definitions. Every version of every object is a row; versions never change except for metadata
-- (description, tags, owner, online flag live in spec and may be rewritten in place by an apply that says "update").
-- removed_at on the latest version marks an object removed by an apply; its versions stay readable for lineage.
CREATE TABLE feature_definitions (
    workspace TEXT NOT NULL DEFAULT 'default',
    kind INTEGER NOT NULL,
    name TEXT NOT NULL,
    version INTEGER NOT NULL,
    digest TEXT NOT NULL,
    spec TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    removed_at INTEGER NULL,
    revision INTEGER NOT NULL,
    PRIMARY KEY (workspace, kind, name, version)
) WITHOUT ROWID;

-- One row per apply; the revision is the optimistic-concurrency token a plan is made against.
CREATE TABLE feature_applies (
    workspace TEXT NOT NULL DEFAULT 'default',
    revision INTEGER NOT NULL,
    applied_at INTEGER NOT NULL,
    user_id TEXT NOT NULL,
    changes TEXT NOT NULL,
    PRIMARY KEY (workspace, revision)
) WITHOUT ROWID;

-- Training sets produced by historical retrieval; (name, digest) is unique so the same result is one version.
CREATE TABLE training_datasets (
    workspace TEXT NOT NULL DEFAULT 'default',
    name TEXT NOT NULL,
    version INTEGER NOT NULL,
    artifact_key TEXT NOT NULL,
    digest TEXT NOT NULL,
    row_count INTEGER NOT NULL,
    size_bytes INTEGER NOT NULL,
    schema TEXT NOT NULL,
    lineage TEXT NOT NULL,
    request TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (workspace, name, version)
) WITHOUT ROWID;
CREATE UNIQUE INDEX ux_training_datasets_digest ON training_datasets (workspace, name, digest);
