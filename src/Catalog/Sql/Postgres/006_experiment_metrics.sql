-- Latest metrics carry their run's experiment (a run never moves), and the metric index leads with it: a search ordered
-- or filtered by a metric reads the searched experiments' rows only, whatever other experiments hold (issue 16; the
-- global (key, value) index made a 1,000-run experiment pay for a 100,000-run neighbour).
ALTER TABLE latest_metrics ADD COLUMN experiment_id BIGINT NOT NULL DEFAULT 0;
UPDATE latest_metrics m SET experiment_id = r.experiment_id FROM runs r WHERE r.run_id = m.run_id;
DROP INDEX ix_latest_metrics_key;
CREATE INDEX ix_latest_metrics_experiment_key ON latest_metrics (experiment_id, key, value);
