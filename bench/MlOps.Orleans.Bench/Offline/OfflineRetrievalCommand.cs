extern alias platform;

using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using DuckDB.NET.Data;
using Microsoft.Extensions.Logging.Abstractions;
using platform::MlOps.Orleans.Artifacts.Local;
using MlOps.Orleans.Bench.Cli;
using MlOps.Orleans.Bench.Measure;
using platform::MlOps.Orleans.Contracts.Features;
using platform::MlOps.Orleans.Features.Offline;

namespace MlOps.Orleans.Bench.Offline;

/// <summary>
/// Historical retrieval (issue 5 item 6): <c>--entity-rows</c> entity rows against <c>--views</c> views of
/// <c>--view-rows</c> rows each, end to end through <see cref="OfflineStore"/> (entity Parquet in the artifact store in,
/// training-set Parquet out) beside the hand-written DuckDB query of the same files with the same rules
/// (<see cref="BareDuckDbQuery"/>), interleaved rep by rep in one process. The two outputs are compared row by row once,
/// outside the timed runs. Records machine load during each run (busy cores beyond this process).
/// </summary>
internal sealed class OfflineRetrievalCommand : IBenchCommand
{
    public string Name => "offline-retrieval";

    public string Usage =>
        "[--entity-rows 1000000] [--view-rows 10000000] [--views 3] [--keys 1000000] [--reps 3] [--threads 0] [--memory-limit 1GB] " +
        "[--work DIR (data is kept there and reused)] [--wait-quiet 120] [--filter-by-created (store only, exact plan)] [--results FILE]";

    public async Task RunAsync(Options options, CancellationToken ct)
    {
        var entityRows = options.Int("entity-rows", 1_000_000);
        var viewRows = options.Int("view-rows", 10_000_000);
        var views = options.Int("views", 3);
        var keys = options.Int("keys", 1_000_000);
        var reps = options.Int("reps", 3);
        var threads = options.Int("threads", 0) is > 0 and var t ? t : Environment.ProcessorCount;
        var memoryLimit = options.String("memory-limit", "1GB");
        var work = Path.GetFullPath(options.String("work", Path.Join(Path.GetTempPath(), "mlops-bench-offline")));
        var results = new ResultFile(options.String("results", $"bench/results/offline-{DateTime.UtcNow:yyyy-MM-dd}.jsonl"));
        var quiet = new QuietMachine(TimeSpan.FromSeconds(options.Double("wait-quiet", 120)));
        var filterByCreated = options.Flag("filter-by-created");
        options.RejectUnknown();

        var data = new OfflineBenchData(Path.Join(work, "artifacts"), entityRows, viewRows, views, keys);
        var generate = Stopwatch.StartNew();
        data.Generate(threads);
        Console.Error.WriteLine($"# data ready in {generate.Elapsed.TotalSeconds:0.0} s under {data.Root}: {entityRows:N0} entity rows, {views} x {viewRows:N0} feature rows, {keys:N0} keys");

        var temp = Directory.CreateDirectory(Path.Join(work, "tmp")).FullName;
        var store = new OfflineStore(new LocalArtifactStore(data.Root),
            new OfflineStoreOptions { CacheDirectory = Path.Join(work, "cache"), TempDirectory = temp, DuckDbMemoryLimit = memoryLimit, Threads = threads },
            NullLogger<OfflineStore>.Instance);
        var job = Job(views) with { FilterByCreatedTimestamp = filterByCreated };
        var ours = Path.Join(work, "ours.parquet");
        var bare = Path.Join(work, "bare.parquet");
        var oursSeconds = new List<double>();
        var bareSeconds = new List<double>();
        var load = new JsonArray();
        long managedPeak = 0;
        RetrievalResult? result = null;
        var nobody = new MeasuredProcesses(null, null);
        for (var rep = 0; rep < reps; rep++)
        {
            await quiet.WaitAsync(nobody, ct);
            var (seconds, busy, peak) = await MeasureAsync(async () => result = await store.GetHistoricalFeaturesAsync(job, ours, ct));
            oursSeconds.Add(seconds);
            managedPeak = Math.Max(managedPeak, peak);
            Console.Error.WriteLine($"#   rep {rep + 1}: store {seconds:0.00} s (other processes {busy:0.00} cores)");
            load.Add(new JsonObject { ["run"] = "store", ["rep"] = rep + 1, ["seconds"] = Math.Round(seconds, 3), ["other_busy_cores"] = Math.Round(busy, 2) });
            // The exact created-timestamp plan has no hand-written twin here: only the store is timed.
            if (filterByCreated) continue;
            await quiet.WaitAsync(nobody, ct);
            (seconds, busy, _) = await MeasureAsync(() =>
            {
                BareDuckDbQuery.Run(data, views, threads, memoryLimit, temp, bare);
                return Task.CompletedTask;
            });
            bareSeconds.Add(seconds);
            Console.Error.WriteLine($"#   rep {rep + 1}: bare DuckDB {seconds:0.00} s (other processes {busy:0.00} cores)");
            load.Add(new JsonObject { ["run"] = "bare", ["rep"] = rep + 1, ["seconds"] = Math.Round(seconds, 3), ["other_busy_cores"] = Math.Round(busy, 2) });
        }
        long? differences = filterByCreated ? null : Compare(ours, bare, views);
        var oursMedian = Stats.Median(oursSeconds);
        var bareMedian = filterByCreated ? double.NaN : Stats.Median(bareSeconds);
        var figures = new JsonObject
        {
            ["store_seconds"] = new JsonArray(oursSeconds.Select(s => (JsonNode)Math.Round(s, 3)).ToArray()),
            ["bare_seconds"] = new JsonArray(bareSeconds.Select(s => (JsonNode)Math.Round(s, 3)).ToArray()),
            ["store_median_s"] = Math.Round(oursMedian, 3),
            ["bare_median_s"] = filterByCreated ? null : Math.Round(bareMedian, 3),
            ["ratio"] = filterByCreated ? null : Math.Round(oursMedian / bareMedian, 3),
            ["rows"] = result?.RowCount,
            ["store_output_bytes"] = new FileInfo(ours).Length,
            ["bare_output_bytes"] = filterByCreated ? null : new FileInfo(bare).Length,
            ["rows_differing_from_bare"] = differences,
            ["managed_heap_peak_mib"] = Math.Round(managedPeak / 1048576.0, 1),
            ["process_peak_working_set_mib"] = Math.Round(Process.GetCurrentProcess().PeakWorkingSet64 / 1048576.0, 1),
            ["load"] = load,
            ["loadavg"] = File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Trim() : null,
        };
        var settings = new JsonObject
        {
            ["entity_rows"] = entityRows, ["view_rows"] = viewRows, ["views"] = views, ["keys"] = keys, ["reps"] = reps,
            ["threads"] = threads, ["memory_limit"] = memoryLimit, ["ttls_days"] = new JsonArray(OfflineBenchData.Ttls.Take(views).Select(t => (JsonNode?)t?.TotalDays).ToArray()),
            ["filter_by_created_timestamp"] = filterByCreated, ["files_per_view"] = OfflineBenchData.FilesPerView, ["row_group_size"] = new OfflineStoreOptions().RowGroupSize,
        };
        results.Append(Name, "duckdb", settings, figures);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"offline-retrieval: store median {oursMedian:0.00} s, bare DuckDB median {bareMedian:0.00} s, ratio {oursMedian / bareMedian:0.00}; rows differing {differences}; managed heap peak {managedPeak / 1048576.0:0} MiB; {Machine.Describe()}"));
    }

    private static RetrievalJob Job(int views)
    {
        var noTags = new Dictionary<string, string>();
        var driver = new EntitySpec("driver", [new FieldSpec("driver_id", FeatureValueType.Int64)], "", noTags);
        var sources = new Dictionary<string, DataSourceSpec>();
        var selections = new List<ViewSelection>();
        for (var v = 0; v < views; v++)
        {
            var name = $"v{v}";
            sources[name + "_src"] = new DataSourceSpec(name + "_src", false, SourceFormat.Parquet, $"artifacts:bench/views/{name}/*.parquet",
                "event_ts", "created_ts", false, [], "", noTags);
            var schema = new FieldSpec[] { new("f0", FeatureValueType.Float64), new("f1", FeatureValueType.Int64), new("f2", FeatureValueType.Float32) };
            var view = new FeatureViewSpec(name, ["driver"], schema, name + "_src", [], "", "", "", OfflineBenchData.Ttls[v % OfflineBenchData.Ttls.Length],
                false, noTags, "", "");
            selections.Add(new ViewSelection(view, 1, schema.Select(f => new SelectedFeature(f.Name, $"{name}__{f.Name}")).ToList()));
        }
        return new RetrievalJob(EntityInput.FromArtifact(OfflineBenchData.EntityKey), "event_timestamp", selections, [], sources,
            new Dictionary<string, EntitySpec> { ["driver"] = driver }, false);
    }

    /// <summary>Wall time, busy cores of other processes, and the managed heap's peak (sampled) while <paramref name="run"/> runs.</summary>
    private static async Task<(double Seconds, double OtherBusy, long ManagedPeak)> MeasureAsync(Func<Task> run)
    {
        GC.Collect();
        var self = Process.GetCurrentProcess();
        var cpuStart = self.TotalProcessorTime;
        var system = SystemCpu.Read();
        long peak = 0;
        using var sampling = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(50));
            while (await timer.WaitForNextTickAsync(sampling.Token).ConfigureAwait(false)) peak = Math.Max(peak, GC.GetGCMemoryInfo().HeapSizeBytes);
        });
        var clock = Stopwatch.StartNew();
        await Task.Run(run);
        var seconds = clock.Elapsed.TotalSeconds;
        await sampling.CancelAsync();
        try
        {
            await sampler;
        }
        catch (OperationCanceledException)
        {
        }
        self.Refresh();
        var (busy, _) = SystemCpu.Between(system, SystemCpu.Read(), Machine.Cores);
        var ours = (self.TotalProcessorTime - cpuStart).TotalSeconds / seconds;
        return (seconds, Math.Max(0, busy - ours), Math.Max(peak, GC.GetGCMemoryInfo().HeapSizeBytes));
    }

    /// <summary>Rows (by position) where the store's training set and the bare query's output differ in any column.</summary>
    private static long Compare(string ours, string bare, int views)
    {
        using var connection = new DuckDBConnection("DataSource=:memory:");
        connection.Open();
        var columns = new List<string> { "driver_id" };
        for (var v = 0; v < views; v++) columns.AddRange(Enumerable.Range(0, 3).Select(f => $"v{v}__f{f}"));
        var differs = string.Join(" OR ", columns.Select(c => $"o.{c} IS DISTINCT FROM b.{c}").Append("o.event_timestamp::TIMESTAMP IS DISTINCT FROM b.event_timestamp"));
        using var command = connection.CreateCommand();
        command.CommandText = $"SET TimeZone = 'UTC'; SELECT count(*) FROM read_parquet('{ours}') o POSITIONAL JOIN read_parquet('{bare}') b WHERE {differs}";
        return Convert.ToInt64(command.ExecuteScalar(), CultureInfo.InvariantCulture);
    }
}
