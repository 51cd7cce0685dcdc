using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using MlOps.Orleans.Bench.Cli;
using MlOps.Orleans.Bench.Client;
using MlOps.Orleans.Bench.Floors;
using MlOps.Orleans.Bench.Measure;
using MlOps.Orleans.Protos.Artifacts.V1;
using MlOps.Orleans.Protos.Registry.V1;
using MlOps.Orleans.Protos.Tracking.V1;

namespace MlOps.Orleans.Bench.Workloads;

/// <summary>
/// Registration latency: a valid ONNX model package (about 100 MB, and 1 MB for comparison) is uploaded once to a run,
/// then <c>CreateModelVersion(runs:/&lt;run&gt;/&lt;folder&gt;)</c> is timed <c>--windows</c> × <c>--per-window</c> times, each making a new version: the
/// server copies the folder under the version, hashes the copy and validates the package with ONNX Runtime before it
/// answers READY. The same ONNX file without a manifest (registered without validation) separates the copy-and-hash
/// part from the validation part; a plain copy and a SHA-256 of the file on this machine give the disk floor. Under issue
/// 15's rules: per server, the fsync floor in its data directory and the gRPC floor (no-op Ping, both drivers) just before
/// its workload; per package and variant <c>--windows</c> windows fixed before the run, each of <c>--per-window</c>
/// registrations, judged on others' CPU and steal; p50/p99 over all registrations of the kept windows.
/// </summary>
internal sealed class RegisterCommand : IBenchCommand
{
    public string Name => "register";
    public string Usage =>
        "[--sizes-mb 100,1] [--windows 10] [--per-window 1] [--stores local] [--azurite CS] [--container bench] [--python /usr/bin/python3] " +
        "[--models DIR (package cache, default $TMP/mlops-bench-models)] [--validated-only] [--floor-rate 50] [--floor-duration 5] [--floor-windows 1] [--fsync-dir DIR]";

    public async Task RunAsync(Options options, CancellationToken ct)
    {
        var common = Common.Read(options);
        var sizes = options.String("sizes-mb", "100,1").Split(',', StringSplitOptions.RemoveEmptyEntries)
            .Select(s => double.TryParse(s, CultureInfo.InvariantCulture, out var d) && d > 0 ? d : throw new UsageException($"--sizes-mb '{s}' is not a size"))
            .ToList();
        // --reps is the older name of --windows, kept so existing scripts still run.
        var windows = options.Int("windows", options.Int("reps", 10));
        // A 1 MB registration takes tens of ms: several per window let a window last long enough to be judged (>= 1 s).
        var perWindow = options.Int("per-window", 1);
        var stores = ArtifactStoreChoice.Read(options, ArtifactStoreChoice.Local);
        var python = options.String("python", "/usr/bin/python3");
        var cache = options.String("models", Path.Combine(Path.GetTempPath(), "mlops-bench-models"));
        var validatedOnly = options.Flag("validated-only");
        var azuritePid = ArtifactStoreChoice.AzuritePid(options);
        var floorRate = options.Double("floor-rate", 50);
        var floorDuration = TimeSpan.FromSeconds(options.Double("floor-duration", 5));
        var floorWindows = options.Int("floor-windows", 1);
        var fsyncDir = options.String("fsync-dir");
        options.RejectUnknown();
        if (perWindow < 1) throw new UsageException("--per-window must be at least 1");
        if (common.Target.Target is not null && stores.Count > 1) throw new UsageException("with --target, the server's own artifact store is measured: leave --stores out");

        var packages = new List<(double Mb, int Side, string Folder, long Bytes)>();
        foreach (var mb in sizes)
        {
            var side = ModelPackages.SideFor(mb);
            var folder = await ModelPackages.EnsureAsync(cache, side, python, ct);
            packages.Add((mb, side, folder, new FileInfo(Path.Combine(folder, ModelPackages.ModelFile)).Length));
        }

        // The floor on this disk: a durable copy and a SHA-256 of each model file (median of 3).
        var floors = new JsonObject();
        foreach (var package in packages)
        {
            await common.Quiet.WaitAsync(new MeasuredProcesses(null, null), ct);
            var copies = new List<double>();
            var hashes = new List<double>();
            var scratch = Path.Combine(Path.GetTempPath(), $"mlops-bench-copy-{Guid.NewGuid():N}.onnx");
            for (var i = 0; i < 3; i++)
            {
                var timer = Stopwatch.StartNew();
                await LocalFiles.CopyAsync(Path.Combine(package.Folder, ModelPackages.ModelFile), scratch, ct);
                copies.Add(timer.Elapsed.TotalMilliseconds);
                LocalFiles.Delete(scratch);
                timer.Restart();
                await LocalFiles.Sha256Async(Path.Combine(package.Folder, ModelPackages.ModelFile), ct);
                hashes.Add(timer.Elapsed.TotalMilliseconds);
            }
            floors[$"{package.Side}"] = new JsonObject
            {
                ["model_bytes"] = package.Bytes, ["copy_fsync_ms_median"] = Math.Round(Stats.Median(copies), 1), ["sha256_ms_median"] = Math.Round(Stats.Median(hashes), 1),
            };
            Console.Error.WriteLine($"# floor for {package.Bytes / 1e6:0.0} MB: copy+fsync {Stats.Median(copies):0.0} ms, sha256 {Stats.Median(hashes):0.0} ms");
        }

        var figures = new JsonObject { ["floor"] = floors };
        foreach (var store in stores)
        {
            await using var target = await PlatformTarget.OpenAsync(common.Target, null, store, ct);
            using var channel = Channels.Open(target.Grpc);
            var tracking = new TrackingService.TrackingServiceClient(channel);
            var artifacts = new ArtifactService.ArtifactServiceClient(channel);
            var registry = new RegistryService.RegistryServiceClient(channel);
            var experiment = await Fixtures.ExperimentAsync(tracking, Name, ct);
            var run = (await Fixtures.RunsAsync(tracking, experiment, 1, ct))[0];
            var extraPid = store.IsBlob ? azuritePid : null;
            // The floors of this server, just before its workload: a registration copies the package and fsyncs it
            // (the fsync floor, in the server's data directory), and is one unary call (the gRPC floor, no-op Ping).
            var fsync = FsyncFloor.Measure(fsyncDir ?? target.DataDir ?? Path.GetTempPath());
            Console.Error.WriteLine($"#   artifacts {target.Artifacts}: {fsync}");
            var grpcFloors = await GrpcFloor.MeasureAsync(common, target.Grpc, target.Measured, extraPid, channel, floorRate, floorDuration, floorWindows,
                TimeSpan.FromSeconds(2), ct);
            var storeFigures = new JsonObject
            {
                ["fsync_floor"] = fsync.ToJson(),
                ["grpc_floor"] = new JsonObject(grpcFloors.Select(f => KeyValuePair.Create(f.Key, (JsonNode?)f.Value.ToJson()))),
            };
            var floor = grpcFloors["dotnet"];
            foreach (var package in packages)
            {
                // Logged once: the validated package, and the bare ONNX file in a folder of its own.
                var upload = Stopwatch.StartNew();
                foreach (var file in new[] { ModelPackages.ModelFile, ModelPackages.ManifestFile })
                    await UploadAsync(artifacts, run, $"model-{package.Side}/{file}", Path.Combine(package.Folder, file), ct);
                var uploadMs = upload.Elapsed.TotalMilliseconds;
                if (!validatedOnly)
                    await UploadAsync(artifacts, run, $"raw-{package.Side}/{ModelPackages.ModelFile}", Path.Combine(package.Folder, ModelPackages.ModelFile), ct);

                var variants = validatedOnly ? new[] { "validated" } : new[] { "validated", "unvalidated" };
                foreach (var variant in variants)
                {
                    var source = $"runs:/{run}/{(variant == "validated" ? "model" : "raw")}-{package.Side}";
                    var model = $"bench-{Name}-{target.Artifacts}-{package.Side}-{variant}-{Guid.NewGuid():N}"[..60];
                    await registry.CreateRegisteredModelAsync(new CreateRegisteredModelRequest { Name = model }, cancellationToken: ct);
                    var request = new CreateModelVersionRequest { Name = model, Source = source, RunId = run };

                    // The first registration checks the package is what it claims (READY, validated or not), and warms up.
                    var first = await registry.CreateModelVersionAsync(request, cancellationToken: ct);
                    var problem = Check(first, variant);
                    if (problem is not null) throw new InvalidOperationException($"registering {source} gave {problem}");

                    var windowRun = await common.Window.RunAsync(target.Measured, extraPid, windows, async _ =>
                    {
                        var latencies = new List<double>(perWindow);
                        var found = new List<string>();
                        for (var i = 0; i < perWindow; i++)
                        {
                            var timer = Stopwatch.StartNew();
                            var created = await registry.CreateModelVersionAsync(request, cancellationToken: ct);
                            latencies.Add(timer.Elapsed.TotalMilliseconds);
                            if (Check(created, variant) is { } p) found.Add($"v{created.Version}: {p}");
                        }
                        return new RegisterWindow(latencies, found);
                    }, ct);
                    var kept = windowRun.Windows.Where(w => w.Verdict.Kept).ToList();
                    var summary = Stats.SummarizeAll(kept.Select(w => w.Result.Latencies));
                    // Server CPU per registration over the kept windows: their server CPU time over their registrations.
                    var known = kept.Where(w => w.Cpu.ServerCores is not null).ToList();
                    var serverCpu = known.Count == 0 ? double.NaN
                        : known.Sum(w => w.Cpu.ServerCores!.Value * w.Elapsed.TotalMilliseconds) / known.Sum(w => w.Result.Latencies.Count);
                    var iowait = Stats.Median(kept.Select(w => w.Cpu.IoWaitCores));
                    var problems = windowRun.Windows.SelectMany(w => w.Result.Problems).ToList();
                    var line = string.Create(CultureInfo.InvariantCulture,
                        $"register backend={target.Backend} artifacts={target.Artifacts} model={package.Bytes / 1e6:0.0} MB {variant} windows={windows}x{perWindow}{common.RoundTag}: " +
                        $"p50 {summary.P50:0.0} ms, p90 {summary.P90:0.0} ms, p99 {summary.P99:0.0} ms, max {summary.Max:0.0} ms over {summary.Count} registrations of the kept windows " +
                        $"(after one checked registration); server CPU {serverCpu:0} ms per registration, iowait {iowait:0.00} cores; package upload {uploadMs:0} ms; " +
                        $"gRPC floor (dotnet) p50 {floor.Latency.P50:0.###} p99 {floor.Latency.P99:0.###} ms{(floor.Run.Void ? " VOID" : "")}; " +
                        $"p50 - floor p50 {summary.P50 - floor.Latency.P50:0.0} ms; fsync p50 {fsync.Latency.P50:0.###} p99 {fsync.Latency.P99:0.###} ms; {windowRun.Describe()}") +
                        (problems.Count == 0 ? "" : $"; WRONG: {string.Join(" | ", problems)}");
                    Console.WriteLine(line);
                    var json = windowRun.ToJson(w => new JsonObject
                    {
                        ["samples_ms"] = new JsonArray(w.Latencies.Select(l => (JsonNode)Math.Round(l, 1)).ToArray()),
                        ["problems"] = new JsonArray(w.Problems.Select(p => (JsonNode)p).ToArray()),
                    });
                    json["model_bytes"] = package.Bytes;
                    json["side"] = package.Side;
                    json["variant"] = variant;
                    json["source"] = source;
                    json["registrations_per_window"] = perWindow;
                    json["latency_all_registrations"] = summary.ToJson();
                    json["package_upload_ms"] = Math.Round(uploadMs, 1);
                    json["server_cpu_ms_per_registration"] = double.IsFinite(serverCpu) ? Math.Round(serverCpu, 1) : null;
                    json["p50_minus_grpc_floor_p50_ms"] = double.IsFinite(summary.P50 - floor.Latency.P50) ? Math.Round(summary.P50 - floor.Latency.P50, 3) : null;
                    json["problems"] = new JsonArray(problems.Select(p => (JsonNode)p).ToArray());
                    storeFigures[$"{package.Side}_{variant}"] = json;
                }
            }
            figures[target.Artifacts] = storeFigures;
        }
        common.Results.Append(Name, common.Target.Backend,
            new JsonObject
            {
                ["sizes_mb"] = new JsonArray(sizes.Select(s => (JsonNode)s).ToArray()), ["windows"] = windows, ["per_window"] = perWindow,
                ["floor_rate_per_s"] = floorRate, ["floor_duration_s"] = floorDuration.TotalSeconds, ["floor_windows"] = floorWindows,
                ["stores"] = new JsonArray(stores.Select(s => (JsonNode)s.Name).ToArray()), ["validated_only"] = validatedOnly,
                ["model"] = "MatMul, float32 n×n initializer, X [-1,n] -> Y [-1,n]; no input_example",
                ["max_other_cores"] = common.Window.Rules.MaxOtherCores, ["max_steal_pct"] = common.Window.Rules.MaxStealPercent,
            },
            figures);
    }

    /// <summary>One window's registrations: each one's latency and anything wrong with what it answered.</summary>
    private sealed record RegisterWindow(IReadOnlyList<double> Latencies, IReadOnlyList<string> Problems);

    private static Task<ArtifactInfo> UploadAsync(ArtifactService.ArtifactServiceClient client, string run, string path, string file, CancellationToken ct) =>
        ArtifactStreams.UploadAsync(client, new UploadHeader { RunId = run, Path = path, ExpectedSize = new FileInfo(file).Length }, file,
            ArtifactStreams.DefaultChunkSize, ct);

    private static string? Check(ModelVersion version, string variant)
    {
        if (version.Status != ModelVersionStatus.Ready) return $"status {version.Status}: {version.StatusMessage}";
        if (variant == "validated" && version.StatusMessage.Length > 0) return $"READY with message '{version.StatusMessage}' (not validated?)";
        if (variant == "unvalidated" && !version.StatusMessage.Contains("without validation", StringComparison.Ordinal))
            return $"READY with message '{version.StatusMessage}' (validated after all?)";
        return string.IsNullOrEmpty(version.Digest) ? "no digest" : null;
    }
}
