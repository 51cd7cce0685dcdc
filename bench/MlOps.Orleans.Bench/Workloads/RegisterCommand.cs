using System.Diagnostics;
using System.Text.Json.Nodes;
using MlOps.Orleans.Bench.Cli;
using MlOps.Orleans.Bench.Client;
using MlOps.Orleans.Bench.Measure;
using MlOps.Orleans.Protos.Artifacts.V1;
using MlOps.Orleans.Protos.Registry.V1;
using MlOps.Orleans.Protos.Tracking.V1;

namespace MlOps.Orleans.Bench.Workloads;

/// <summary>
/// Registration latency: a valid ONNX model package (about 100 MB, and 1 MB for comparison) is uploaded once to a run,
/// then <c>CreateModelVersion(runs:/&lt;run&gt;/&lt;folder&gt;)</c> is timed <c>--reps</c> times, each making a new version: the
/// server copies the folder under the version, hashes the copy and validates the package with ONNX Runtime before it
/// answers READY. The same ONNX file without a manifest (registered without validation) separates the copy-and-hash
/// part from the validation part; a plain copy and a SHA-256 of the file on this machine give the floor.
/// </summary>
internal sealed class RegisterCommand : IBenchCommand
{
    public string Name => "register";
    public string Usage =>
        "[--sizes-mb 100,1] [--reps 10] [--stores local] [--azurite CS] [--container bench] [--python /usr/bin/python3] " +
        "[--models DIR (package cache, default $TMP/mlops-bench-models)] [--validated-only]";

    public async Task RunAsync(Options options, CancellationToken ct)
    {
        var common = Common.Read(options);
        var sizes = options.String("sizes-mb", "100,1").Split(',', StringSplitOptions.RemoveEmptyEntries)
            .Select(s => double.TryParse(s, System.Globalization.CultureInfo.InvariantCulture, out var d) && d > 0 ? d : throw new UsageException($"--sizes-mb '{s}' is not a size"))
            .ToList();
        var reps = options.Int("reps", 10);
        var stores = ArtifactStoreChoice.Read(options, ArtifactStoreChoice.Local);
        var python = options.String("python", "/usr/bin/python3");
        var cache = options.String("models", Path.Combine(Path.GetTempPath(), "mlops-bench-models"));
        var validatedOnly = options.Flag("validated-only");
        var azuritePid = ArtifactStoreChoice.AzuritePid(options);
        options.RejectUnknown();
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
            var storeFigures = new JsonObject();
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

                    var latencies = new List<double>();
                    var serverCpuMs = new List<double>();
                    var cpus = new List<CpuUse>();
                    var problems = new List<string>();
                    var discardedWindows = 0;
                    for (var i = 0; i < reps; i++)
                    {
                        var ((version, elapsed), use, _, discarded) = await PlatformWindow.MeasureAsync(common, target.Measured,
                            store.IsBlob ? azuritePid : null, async () =>
                        {
                            var timer = Stopwatch.StartNew();
                            var created = await registry.CreateModelVersionAsync(request, cancellationToken: ct);
                            return (created, timer.Elapsed.TotalMilliseconds);
                        }, ct);
                        discardedWindows += discarded;
                        latencies.Add(elapsed);
                        cpus.Add(use);
                        if (use.ServerCores is { } cores) serverCpuMs.Add(cores * elapsed);
                        if (Check(version, variant) is { } p) problems.Add($"v{version.Version}: {p}");
                    }
                    var summary = Stats.Summarize(latencies);
                    var serverCpu = serverCpuMs.Count > 0 ? Stats.Median(serverCpuMs) : double.NaN;
                    var iowait = Stats.Median(cpus.Select(c => c.IoWaitCores));
                    var line = $"register backend={target.Backend} artifacts={target.Artifacts} model={package.Bytes / 1e6:0.0} MB {variant}: " +
                        $"p50 {summary.P50:0.0} ms, p90 {summary.P90:0.0} ms, max {summary.Max:0.0} ms (n={reps}, after one checked registration); " +
                        $"server CPU {serverCpu:0} ms per registration (median), iowait {iowait:0.00} cores; package upload {uploadMs:0} ms" +
                        (problems.Count == 0 ? "" : $"; WRONG: {string.Join(" | ", problems)}");
                    Console.WriteLine(line);
                    storeFigures[$"{package.Side}_{variant}"] = new JsonObject
                    {
                        ["model_bytes"] = package.Bytes, ["side"] = package.Side, ["variant"] = variant, ["source"] = source,
                        ["p50_ms"] = Math.Round(summary.P50, 1), ["p90_ms"] = Math.Round(summary.P90, 1), ["latency"] = summary.ToJson(),
                        ["samples_ms"] = new JsonArray(latencies.Select(l => (JsonNode)Math.Round(l, 1)).ToArray()),
                        ["package_upload_ms"] = Math.Round(uploadMs, 1), ["server_cpu_ms_median"] = double.IsFinite(serverCpu) ? Math.Round(serverCpu, 1) : null,
                        ["cpu"] = new JsonArray(cpus.Select(c => (JsonNode)c.ToJson()).ToArray()),
                        ["problems"] = new JsonArray(problems.Select(p => (JsonNode)p).ToArray()), ["discarded_windows"] = discardedWindows,
                    };
                }
            }
            figures[target.Artifacts] = storeFigures;
        }
        common.Results.Append(Name, common.Target.Backend,
            new JsonObject
            {
                ["sizes_mb"] = new JsonArray(sizes.Select(s => (JsonNode)s).ToArray()), ["reps"] = reps,
                ["stores"] = new JsonArray(stores.Select(s => (JsonNode)s.Name).ToArray()), ["validated_only"] = validatedOnly,
                ["model"] = "MatMul, float32 n×n initializer, X [-1,n] -> Y [-1,n]; no input_example", ["max_other_cores"] = common.Window.MaxOtherCores,
            },
            figures);
    }

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
