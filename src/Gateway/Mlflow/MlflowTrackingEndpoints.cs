using MlOps.Orleans.Gateway.Common;
using MlOps.Orleans.Contracts.Common;
using MlOps.Orleans.Gateway.Tracking;
using MlOps.Orleans.Contracts.Tracking;

namespace MlOps.Orleans.Gateway.Mlflow;

/// <summary>MLflow's tracking routes over the same grains as the gRPC API: map, call one grain, map back.</summary>
internal static partial class MlflowTrackingEndpoints
{
    private const int DefaultHistoryResults = 25000;
    private const int DefaultBulkResults = 2500;
    private const int MaxBulkRuns = 100;
    private const int MaxDatasetExperiments = 20;
    private const int MaxDatasetSummaries = 1000;

    public static void Map(RouteGroupBuilder api)
    {
        api.Post("experiments/create", async (a, c) =>
        {
            var command = new CreateExperiment(a.Required("name"), AbsoluteLocation(a.String("artifact_location")), Tags(a, "tags", TrackingLimits.MaxExperimentTagValueLength, c));
            TrackingValidation.ExperimentName(command.Name);
            var created = await Ids.CreateExperimentAsync(Grains(c), command);
            return MlflowResults.Ok(new { experiment_id = created.ExperimentId });
        });
        api.GetOrPost("experiments/search", async (a, c) =>
        {
            var page = await Query(c).SearchExperiments(new SearchExperimentsQuery(a.String("filter"), a.Strings("order_by"),
                (int)(a.Long("max_results") ?? TrackingLimits.DefaultSearchExperiments), a.String("page_token"),
                MlflowTrackingMapper.ParseViewType(a.String("view_type"), "view_type")));
            return MlflowResults.Ok(new { experiments = MlflowResults.NonEmpty(page.Experiments.Select(MlflowTrackingMapper.Experiment)), next_page_token = page.NextPageToken });
        });
        api.Get("experiments/get", async (a, c) =>
            MlflowResults.Ok(new { experiment = MlflowTrackingMapper.Experiment(await Experiment(a, c).Get()) }));
        api.Get("experiments/get-by-name", async (a, c) =>
        {
            var name = a.Required("experiment_name");
            var id = await Query(c).FindExperimentId(name)
                ?? throw MlopsException.NotFound($"Could not find experiment with name '{name}'");
            return MlflowResults.Ok(new { experiment = MlflowTrackingMapper.Experiment(await Grains(c).GetGrain<IExperimentGrain>(id).Get()) });
        });
        api.Post("experiments/delete", async (a, c) => { await Experiment(a, c).Delete(); return MlflowResults.Empty(); });
        api.Post("experiments/restore", async (a, c) => { await Experiment(a, c).Restore(); return MlflowResults.Empty(); });
        api.Post("experiments/update", async (a, c) => { await Experiment(a, c).Rename(a.Required("new_name")); return MlflowResults.Empty(); });
        api.Post("experiments/set-experiment-tag", async (a, c) =>
        {
            await Experiment(a, c).SetTag(a.Required("key"), a.String("value") ?? "");
            return MlflowResults.Empty();
        });

        // The UI's dataset list (MLflow serves it under /ajax-api only): at most 20 experiments, 1,000 summaries, as MLflow.
        api.Post("experiments/search-datasets", async (a, c) =>
        {
            var ids = a.Strings("experiment_ids");
            if (ids.Count == 0) throw MlopsException.Invalid("experiment_ids", "SearchDatasets request must specify at least one experiment_id.");
            if (ids.Count > MaxDatasetExperiments)
                throw MlopsException.Invalid("experiment_ids", $"SearchDatasets request cannot specify more than {MaxDatasetExperiments} experiment_ids. Received {ids.Count} experiment_ids.");
            var found = await Query(c).SearchDatasets(ids, MaxDatasetSummaries);
            return MlflowResults.Ok(new
            {
                dataset_summaries = MlflowResults.NonEmpty(found.Select(d => new { experiment_id = d.ExperimentId, name = d.Name, digest = d.Digest, context = d.Context.Length == 0 ? null : d.Context })),
            });
        });
        api.Post("experiments/delete-experiment-tag", async (a, c) => { await Experiment(a, c).DeleteTag(a.Required("key")); return MlflowResults.Empty(); });

        api.Post("runs/create", async (a, c) =>
        {
            var experimentId = a.String("experiment_id") ?? "0";
            TrackingValidation.ExperimentId(experimentId);
            var tags = Tags(a, "tags", TrackingLimits.MaxRunTagValueLength, c);
            var user = MlflowIdentity.UserId(c.Request) ?? a.String("user_id") ?? tags.GetValueOrDefault("mlflow.user");
            var runId = Ids.NewRunId();
            var run = await Grains(c).GetGrain<IRunGrain>(runId).Create(new CreateRun(experimentId, a.String("run_name"), tags,
                a.Long("start_time"), user, tags.GetValueOrDefault(TrackingLimits.ParentRunTag)) { KeepUnknownParent = true });
            return MlflowResults.Ok(new { run = MlflowTrackingMapper.Run(run) });
        });
        api.Post("runs/update", async (a, c) =>
        {
            var info = await Run(a, c).Update(new UpdateRun(MlflowTrackingMapper.ParseStatus(a.String("status")), a.Long("end_time"), a.String("run_name")));
            return MlflowResults.Ok(new { run_info = MlflowTrackingMapper.RunInfo(info) });
        });
        api.Post("runs/delete", async (a, c) => { await Run(a, c).Delete(); return MlflowResults.Empty(); });
        api.Post("runs/restore", async (a, c) => { await Run(a, c).Restore(); return MlflowResults.Empty(); });
        api.Get("runs/get", async (a, c) => MlflowResults.Ok(new { run = MlflowTrackingMapper.Run(await Run(a, c).Get()) }));
        api.Post("runs/log-metric", async (a, c) =>
        {
            var run = Run(a, c);
            var point = Metric(a);
            var toModels = await ModelMetricsAsync(c, [(a, point)], "");
            await run.LogMetric(point);
            await toModels(run.GetPrimaryKeyString());
            return MlflowResults.Empty();
        });
        // The run id is read first in each handler: MLflow checks fields in the order run_id, key, value and names the first.
        api.Post("runs/log-parameter", async (a, c) =>
        {
            var run = Run(a, c);
            var key = a.Required("key");
            var value = Truncate(a.String("value") ?? "", TrackingLimits.MaxParamValueLength, $"param '{key}'", c);
            await run.LogBatch(new LogBatch([], [KeyValuePair.Create(key, value)], []));
            return MlflowResults.Empty();
        });
        api.Post("runs/set-tag", async (a, c) =>
        {
            var run = Run(a, c);
            var key = a.Required("key");
            await run.SetTag(key, Truncate(a.String("value") ?? "", TrackingLimits.MaxRunTagValueLength, $"tag '{key}'", c));
            return MlflowResults.Empty();
        });
        api.Post("runs/delete-tag", async (a, c) => { await Run(a, c).DeleteTag(a.Required("key")); return MlflowResults.Empty(); });
        api.Post("runs/log-batch", async (a, c) =>
        {
            var run = Run(a, c);
            var sent = a.Objects("metrics");
            var metrics = sent.Select(Metric).ToList();
            var parameters = a.Objects("params").Select((p, i) => KeyValuePair.Create(p.Required("key"),
                Truncate(p.String("value") ?? "", TrackingLimits.MaxParamValueLength, $"params[{i}]", c))).ToList();
            var tags = a.Objects("tags").Select((t, i) => KeyValuePair.Create(t.Required("key"),
                Truncate(t.String("value") ?? "", TrackingLimits.MaxRunTagValueLength, $"tags[{i}]", c))).ToList();
            var toModels = await ModelMetricsAsync(c, sent.Zip(metrics).ToList(), "metrics");
            await run.LogBatch(new LogBatch(metrics, parameters, tags));
            await toModels(run.GetPrimaryKeyString());
            return MlflowResults.Empty();
        });
        api.Post("runs/log-inputs", async (a, c) =>
        {
            var inputs = a.Objects("datasets").Select((d, i) =>
            {
                var ds = d.Object("dataset") ?? throw MlopsException.Invalid($"datasets[{i}].dataset", $"Missing value for required parameter 'datasets[{i}].dataset'.");
                return new DatasetInput(ds.String("name") ?? "", ds.String("digest") ?? "", ds.String("source_type") ?? "", ds.String("source") ?? "",
                    ds.String("schema") ?? "", ds.String("profile") ?? "", Tags(d, "tags", TrackingLimits.MaxRunTagValueLength, c));
            }).ToList();
            var run = Run(a, c);
            if (!a.Has("datasets") && !a.Has("models")) throw MlopsException.Invalid("datasets", "Missing value for required parameter 'datasets'.");
            if (inputs.Count > 0 || !a.Has("models")) await run.LogInputs(inputs);
            var models = ModelLinks(a, isOutput: false);
            if (models.Count > 0) await run.LinkModels(models);
            return MlflowResults.Empty();
        });
        api.Post("runs/outputs", async (a, c) =>
        {
            if (!a.Has("models")) throw MlopsException.Invalid("models", "Missing value for required parameter 'models'.");
            await Run(a, c).LinkModels(ModelLinks(a, isOutput: true));
            return MlflowResults.Empty();
        });
        api.GetOrPost("runs/search", async (a, c) =>
        {
            var page = await Query(c).SearchRuns(new SearchRunsQuery(a.Strings("experiment_ids"), a.String("filter"),
                MlflowTrackingMapper.ParseViewType(a.String("run_view_type"), "run_view_type"), (int)(a.Long("max_results") ?? TrackingLimits.DefaultSearchRuns),
                a.Strings("order_by"), a.String("page_token")));
            return MlflowResults.Ok(new { runs = MlflowResults.NonEmpty(page.Runs.Select(MlflowTrackingMapper.Run)), next_page_token = page.NextPageToken });
        });

        api.Get("metrics/get-history", async (a, c) =>
        {
            var page = await Run(a, c).GetMetricHistory(new MetricHistoryQuery(a.Required("metric_key"), null, null,
                (int)(a.Long("max_results") ?? DefaultHistoryResults), a.String("page_token"), 0));
            return MlflowResults.Ok(new { metrics = MlflowResults.NonEmpty(page.Points.Select(MlflowTrackingMapper.Metric)), next_page_token = page.NextPageToken });
        });
        // The UI's chart read: for up to 100 runs, the points at the steps MLflow would pick (MlflowStepSampling).
        api.Get("metrics/get-history-bulk-interval", async (a, c) =>
        {
            var runIds = a.Strings("run_ids");
            if (runIds.Count == 0) throw MlopsException.Invalid("run_ids", "Missing value for required parameter 'run_ids'.");
            if (runIds.Count > MaxBulkRuns)
                throw MlopsException.Invalid("run_ids", $"GetMetricHistoryBulkInterval request must specify at most {MaxBulkRuns} run_ids. Received {runIds.Count} run_ids.");
            var key = a.Required("metric_key");
            var start = a.Long("start_step");
            var end = a.Long("end_step");
            var max = (int)Math.Clamp(a.Long("max_results") ?? DefaultBulkResults, int.MinValue, int.MaxValue);
            if (max is < 1 or > DefaultBulkResults) throw MlopsException.Invalid("max_results", $"max_results must be between 1 and {DefaultBulkResults}.");
            if (start is not null && end is not null && start > end)
                throw MlopsException.Invalid("end_step", $"end_step must be greater than start_step. Found start_step={start} and end_step={end}.");
            if ((start is null) != (end is null))
                throw MlopsException.Invalid(start is null ? "start_step" : "end_step", "If either start step or end step are specified, both must be specified.");
            var histories = new List<(string RunId, IReadOnlyList<MetricPoint> Points)>();
            foreach (var runId in runIds)
            {
                TrackingValidation.RunId(runId, "run_ids");
                histories.Add((runId, await WholeHistoryAsync(Grains(c).GetGrain<IRunGrain>(runId), key)));
            }
            var steps = MlflowStepSampling.Choose(histories.Select(h => (IReadOnlyCollection<long>)h.Points.Select(p => p.Step).ToList()).ToList(), start, end, max);
            var results = histories.SelectMany(h => h.Points.Where(p => steps.Contains(p.Step)).Take(DefaultHistoryResults)
                .Select(m => new { key = m.Key, value = m.Value, timestamp = m.Timestamp, step = m.Step, run_id = h.RunId })).ToList();
            return MlflowResults.Ok(new { metrics = MlflowResults.NonEmpty(results) });
        });
        // The UI's route (MLflow serves it under /ajax-api only): every point of one metric for up to 100 runs, a run's
        // points in step order, at most max_results (MLflow's default and cap, 25,000) in all.
        api.Get("metrics/get-history-bulk", async (a, c) =>
        {
            var runIds = a.Strings("run_id");
            if (runIds.Count == 0) throw MlopsException.Invalid("run_id", "GetMetricHistoryBulk request must specify at least one run_id.");
            if (runIds.Count > MaxBulkRuns)
                throw MlopsException.Invalid("run_id", $"GetMetricHistoryBulk request cannot specify more than {MaxBulkRuns} run_ids. Received {runIds.Count} run_ids.");
            var key = a.String("metric_key") ?? throw MlopsException.Invalid("metric_key", "GetMetricHistoryBulk request must specify a metric_key.");
            // As MLflow: at most max_results points per run (capped, not refused, above 25,000), runs in id order, each
            // run's points by (timestamp, step, value).
            var requested = a.Long("max_results") ?? DefaultHistoryResults;
            if (requested < 1) throw MlopsException.Invalid("max_results", $"max_results must be at least 1; got {requested}");
            var max = (int)Math.Min(requested, DefaultHistoryResults);
            var results = new List<object>();
            foreach (var runId in runIds.Order(StringComparer.Ordinal))
            {
                TrackingValidation.RunId(runId, "run_id");
                var page = await Grains(c).GetGrain<IRunGrain>(runId).GetMetricHistory(new MetricHistoryQuery(key, null, null, max, null, 0));
                results.AddRange(page.Points.OrderBy(m => m.Timestamp).ThenBy(m => m.Step).ThenBy(m => m.Value)
                    .Select(m => new { key = m.Key, value = m.Value, timestamp = m.Timestamp, step = m.Step, run_id = runId }));
            }
            return MlflowResults.Ok(new { metrics = MlflowResults.NonEmpty(results) });
        });
        api.Get("artifacts/list", async (a, c) =>
        {
            var run = Run(a, c);
            var info = (await run.Get()).Info;
            var path = a.String("path") ?? "";
            var files = await run.ListArtifacts(MlOps.Orleans.Artifacts.ArtifactPath.Directory(path), recursive: false);
            return MlflowResults.Ok(new
            {
                root_uri = info.ArtifactUri,
                files = MlflowResults.NonEmpty(files.Select(f => new { path = f.Path, is_dir = f.Size < 0, file_size = f.Size < 0 ? (long?)null : f.Size })),
            });
        });
    }

    private static IGrainFactory Grains(HttpContext c) => c.RequestServices.GetRequiredService<IGrainFactory>();

    /// <summary>
    /// MLflow makes a relative local artifact_location absolute against the server's working directory; a URI
    /// (<c>mlflow-artifacts:/x</c>, <c>s3://b</c>, <c>file:///x</c>) or an absolute path is kept as sent. The location is
    /// only recorded: this server never reads or writes a location outside its own store.
    /// </summary>
    private static string? AbsoluteLocation(string? location)
    {
        TrackingValidation.ArtifactLocation(location);
        if (string.IsNullOrEmpty(location) || UriScheme().IsMatch(location) || Path.IsPathRooted(location)) return location;
        return Path.GetFullPath(location, Environment.CurrentDirectory);
    }

    [System.Text.RegularExpressions.GeneratedRegex("^[A-Za-z][A-Za-z0-9+.-]*:")]
    private static partial System.Text.RegularExpressions.Regex UriScheme();

    /// <summary>One metric's every point for a run, in (step, timestamp) order, read page by page.</summary>
    private static async Task<IReadOnlyList<MetricPoint>> WholeHistoryAsync(IRunGrain run, string key)
    {
        var points = new List<MetricPoint>();
        string? token = null;
        do
        {
            var page = await run.GetMetricHistory(new MetricHistoryQuery(key, null, null, TrackingLimits.MaxHistoryPage, token, 0));
            points.AddRange(page.Points);
            token = page.NextPageToken;
        }
        while (!string.IsNullOrEmpty(token));
        return points;
    }

    private static ITrackingQueryGrain Query(HttpContext c) => Grains(c).GetGrain<ITrackingQueryGrain>(0);

    private static IExperimentGrain Experiment(MlflowArgs a, HttpContext c)
    {
        var id = a.Required("experiment_id");
        TrackingValidation.ExperimentId(id);
        return Grains(c).GetGrain<IExperimentGrain>(id);
    }

    /// <summary>MLflow clients send both run_id and its older name run_uuid.</summary>
    private static IRunGrain Run(MlflowArgs a, HttpContext c)
    {
        var id = a.String("run_id") is { Length: > 0 } r ? r : a.String("run_uuid");
        if (string.IsNullOrEmpty(id)) throw MlopsException.Invalid("run_id", "Missing value for required parameter 'run_id'.");
        TrackingValidation.RunId(id);
        return Grains(c).GetGrain<IRunGrain>(id);
    }

    /// <summary>
    /// MLflow 3 metrics may carry model_id (and dataset_name, dataset_digest): the point is the run's and the model's. The
    /// models are checked before the run is written (a refused request changes nothing); the model gets the points after.
    /// </summary>
    private static async Task<Func<string, Task>> ModelMetricsAsync(HttpContext c, IReadOnlyList<(MlflowArgs Args, MetricPoint Point)> metrics, string field)
    {
        // The common case (no model ids) is every log call's path: no grouping, no closure.
        if (!metrics.Any(m => m.Args.Has("model_id"))) return NoModelMetrics;
        var byModel = metrics.Select((m, i) => (m.Args, m.Point, Index: i)).Where(m => m.Args.String("model_id") is { Length: > 0 })
            .GroupBy(m => m.Args.String("model_id")!, StringComparer.Ordinal).ToList();
        foreach (var group in byModel)
        {
            LoggedModelValidation.ModelId(group.Key, field.Length == 0 ? "model_id" : $"{field}[{group.First().Index}].model_id");
            await Grains(c).GetGrain<ILoggedModelGrain>(group.Key).Get();
        }
        return async runId =>
        {
            foreach (var group in byModel)
                await Grains(c).GetGrain<ILoggedModelGrain>(group.Key).LogMetrics(group.Select(m => new ModelMetric(runId, m.Point.Key, m.Point.Value,
                    m.Point.Timestamp, m.Point.Step, m.Args.String("dataset_name") ?? "", m.Args.String("dataset_digest") ?? "")).ToList());
        };
    }

    private static readonly Func<string, Task> NoModelMetrics = _ => Task.CompletedTask;

    /// <summary>runs/outputs' {model_id, step} or log-inputs' {model_id} entries.</summary>
    private static List<RunModelLink> ModelLinks(MlflowArgs a, bool isOutput) =>
        a.Objects("models").Select((m, i) => new RunModelLink(
            m.String("model_id") ?? throw MlopsException.Invalid($"models[{i}].model_id", $"Missing value for required parameter 'models[{i}].model_id'."),
            isOutput, isOutput ? m.Long("step") ?? 0 : null)).ToList();

    private static MetricPoint Metric(MlflowArgs a)
    {
        // MLflow requires key, value and timestamp (step defaults to 0), naming the list entry: metrics[0].timestamp.
        return new MetricPoint(a.Required("key"), a.RequiredDouble("value"), a.RequiredLong("timestamp"), a.Long("step") ?? 0);
    }

    private static Dictionary<string, string> Tags(MlflowArgs a, string field, int maxValue, HttpContext c)
    {
        var tags = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (t, i) in a.Objects(field).Select((t, i) => (t, i)))
        {
            var key = t.Required("key");
            tags[key] = Truncate(t.String("value") ?? "", maxValue, $"{field}[{i}]", c);
        }
        return tags;
    }

    // MLflow truncates over-long param and tag values with a warning instead of refusing them; the native API refuses.
    private static string Truncate(string value, int max, string what, HttpContext c)
    {
        if (value.Length <= max) return value;
        c.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("MlOps.Orleans.Gateway.Mlflow")
            .LogWarning("Truncated {What} from {Length} to {Max} characters, as MLflow does", what, value.Length, max);
        return value[..max];
    }
}
