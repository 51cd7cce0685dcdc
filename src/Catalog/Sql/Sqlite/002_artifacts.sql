-- Size and SHA-256 of every file stored under a run's artifact root.
CREATE TABLE run_artifacts (
    workspace TEXT NOT NULL DEFAULT 'default',
    run_id TEXT NOT NULL,
    path TEXT NOT NULL,
    size INTEGER NOT NULL,
    sha256 TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (run_id, path)
) WITHOUT ROWID;
