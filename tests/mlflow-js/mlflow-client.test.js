// The third-party JavaScript MLflow client (npm "mlflow") against a running platform, unchanged.
// MLFLOW_ENDPOINT points at the platform's HTTP port. Experiments.list (a route MLflow removed) and
// setExperimentTag (the client builds a broken URL for it) are left out on purpose.
const test = require('node:test');
const assert = require('node:assert/strict');
const MLflow = require('mlflow');
const { ViewType, RunStatus } = require('mlflow/enum');

const endpoint = process.env.MLFLOW_ENDPOINT;
assert.ok(endpoint, 'MLFLOW_ENDPOINT must be set');
const { Experiments, Runs, Metrics } = new MLflow({ endpoint });
const unique = (p) => `${p}-${Date.now()}-${Math.random().toString(16).slice(2)}`;

// The client prints every request body; keep the test output readable.
console.log = () => {};

test('experiments: create, get, update, delete and restore', async () => {
  const name = unique('js-exp');
  const { experiment_id } = await Experiments.create({ name });
  assert.equal((await Experiments.get({ experiment_id })).experiment.name, name);
  const renamed = unique('js-renamed');
  await Experiments.update({ experiment_id, new_name: renamed });
  assert.equal((await Experiments.get({ experiment_id })).experiment.name, renamed);
  await Experiments.delete({ experiment_id });
  assert.equal((await Experiments.get({ experiment_id })).experiment.lifecycle_stage, 'deleted');
  await Experiments.restore({ experiment_id });
  assert.equal((await Experiments.get({ experiment_id })).experiment.lifecycle_stage, 'active');
});

test('runs: create, params, tags, metrics, batch, history, search, update', async () => {
  const { experiment_id } = await Experiments.create({ name: unique('js-runs') });
  const { run } = await Runs.create({ experiment_id, user_id: 'js-user', start_time: Date.now(), tags: [{ key: 'origin', value: 'node' }] });
  const run_id = run.info.run_id;
  assert.match(run_id, /^[0-9a-f]{32}$/);

  await Runs.logParameter({ run_id, key: 'lr', value: '0.01' });
  await Runs.setTag({ run_id, key: 'stage', value: 'train' });
  await Runs.deleteTag({ run_id, key: 'stage' });
  for (let step = 0; step < 5; step++) await Runs.logMetric({ run_id, key: 'loss', value: 1 / (step + 1), timestamp: Date.now(), step });
  await Runs.logBatch({
    run_id,
    metrics: [{ key: 'acc', value: 0.5, timestamp: Date.now(), step: 0 }, { key: 'acc', value: 0.9, timestamp: Date.now(), step: 1 }],
    params: [{ key: 'depth', value: '4' }],
    tags: [{ key: 'team', value: 'js' }],
  });

  const fetched = (await Runs.get({ run_id })).run;
  assert.deepEqual(fetched.data.params, [{ key: 'depth', value: '4' }, { key: 'lr', value: '0.01' }]);
  assert.ok(fetched.data.tags.some((t) => t.key === 'team' && t.value === 'js'));
  assert.ok(!fetched.data.tags.some((t) => t.key === 'stage'));
  assert.equal(fetched.data.metrics.find((m) => m.key === 'acc').value, 0.9);

  const { metrics } = await Metrics.getHistory({ run_id, metric_key: 'loss' });
  assert.deepEqual(metrics.map((m) => m.step), [0, 1, 2, 3, 4]);

  const found = await Runs.search({
    experiment_ids: [experiment_id], filter: "metrics.acc > 0.8 AND params.lr = '0.01'", run_view_type: ViewType.ACTIVE_ONLY,
    max_results: 10, order_by: ['metrics.acc DESC'],
  });
  assert.deepEqual(found.runs.map((r) => r.info.run_id), [run_id]);

  const { run_info } = await Runs.update({ run_id, status: RunStatus.FINISHED, end_time: Date.now() });
  assert.equal(run_info.status, 'FINISHED');
});

test('runs: a changed param is refused with MLflow\'s error', async () => {
  const { experiment_id } = await Experiments.create({ name: unique('js-bad') });
  const { run } = await Runs.create({ experiment_id });
  await Runs.logParameter({ run_id: run.info.run_id, key: 'p', value: '1' });
  await assert.rejects(Runs.logParameter({ run_id: run.info.run_id, key: 'p', value: '2' }), /INVALID_PARAMETER_VALUE/);
});

test('runs: delete and restore', async () => {
  const { experiment_id } = await Experiments.create({ name: unique('js-del') });
  const { run } = await Runs.create({ experiment_id });
  await Runs.delete({ run_id: run.info.run_id });
  assert.equal((await Runs.get({ run_id: run.info.run_id })).run.info.lifecycle_stage, 'deleted');
  await Runs.restore({ run_id: run.info.run_id });
  assert.equal((await Runs.get({ run_id: run.info.run_id })).run.info.lifecycle_stage, 'active');
});
