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
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    removed_at BIGINT NULL,
    revision BIGINT NOT NULL,
    PRIMARY KEY (workspace, kind, name, version)
);

-- One row per apply; the revision is the optimistic-concurrency token a plan is made against.
CREATE TABLE feature_applies (
    workspace TEXT NOT NULL DEFAULT 'default',
    revision BIGINT NOT NULL,
    applied_at BIGINT NOT NULL,
    user_id TEXT NOT NULL,
    changes TEXT NOT NULL,
    PRIMARY KEY (workspace, revision)
);

-- Training sets produced by historical retrieval; (name, digest) is unique so the same result is one version.
CREATE TABLE training_datasets (
    workspace TEXT NOT NULL DEFAULT 'default',
    name TEXT NOT NULL,
    version INTEGER NOT NULL,
    artifact_key TEXT NOT NULL,
    digest TEXT NOT NULL,
    row_count BIGINT NOT NULL,
    size_bytes BIGINT NOT NULL,
    schema TEXT NOT NULL,
    lineage TEXT NOT NULL,
    request TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (workspace, name, version)
);
CREATE UNIQUE INDEX ux_training_datasets_digest ON training_datasets (workspace, name, digest);
