-- Size and SHA-256 of every file stored under a run's artifact root.
-- COLLATE "C": prefix ranges (path >= p AND path < p || U+FFFF) need byte order, whatever the database locale.
CREATE TABLE run_artifacts (
    workspace TEXT NOT NULL DEFAULT 'default',
    run_id TEXT NOT NULL,
    path TEXT COLLATE "C" NOT NULL,
    size BIGINT NOT NULL,
    sha256 TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (run_id, path)
);
