using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using Azure.Storage;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Grpc.Net.Client;
using MlOps.Orleans.Bench.Cli;
using MlOps.Orleans.Bench.Client;
using MlOps.Orleans.Bench.Floors;
using MlOps.Orleans.Bench.Measure;
using MlOps.Orleans.Protos.Artifacts.V1;
using MlOps.Orleans.Protos.Tracking.V1;

namespace MlOps.Orleans.Bench.Workloads;

/// <summary>
/// One large file (1 GiB by default) up and down through the gateway's ArtifactService, one stream per file, for each
/// artifact backend (a server of its own for each), beside the same file copied on the local disk and moved with the
/// Azure Blob SDK directly to the same Azurite, all in one run and interleaved rep by rep, so every figure sees the same
/// machine. Every transfer ends when its bytes are durable (fsync) at the destination; every download is checked
/// against the file's SHA-256 outside the timed window. Under issue 15's rules: the fsync and gRPC floors of every gateway
/// server just before the workload, and <c>--windows</c> windows per step fixed before the run, interleaved window by
/// window and judged one by one (<see cref="InterleavedWindows"/>); medians and minimums over the kept windows.
/// </summary>
internal sealed class ArtifactTransferCommand : IBenchCommand
{
    private const double MiB = 1024 * 1024;
    private const string DirectContainer = "bench-direct";

    public string Name => "artifact-transfer";
    public string Usage =>
        "[--size-mib 1024] [--chunk-kib 256] [--windows 3] [--stores local,azureblob] [--azurite CS ($MLOPS_TEST_AZURITE)] [--azurite-pid PID] " +
        "[--container bench] [--blob-concurrency 4] [--blob-block-mib 4] [--warmup-mib 64] [--work DIR] [--floor-rate 50] [--floor-duration 5] [--floor-windows 1]";

    public async Task RunAsync(Options options, CancellationToken ct)
    {
        var common = Common.Read(options);
        var sizeMiB = options.Int("size-mib", 1024);
        var chunk = options.Int("chunk-kib", 256) * 1024;
        // --reps is the older name of --windows, kept so existing scripts still run.
        var windows = options.Int("windows", options.Int("reps", 3));
        var stores = ArtifactStoreChoice.Read(options, "local,azureblob");
        var azurite = ArtifactStoreChoice.Azurite(options);
        var azuritePid = ArtifactStoreChoice.AzuritePid(options);
        // What BlobArtifactStore's BlockUpload does: 4 MiB blocks, 4 staged at once.
        var blobConcurrency = options.Int("blob-concurrency", 4);
        var blobBlock = options.Int("blob-block-mib", 4) * 1024 * 1024;
        var warmupMiB = options.Int("warmup-mib", 64);
        var work = options.String("work");
        var floorRate = options.Double("floor-rate", 50);
        var floorDuration = TimeSpan.FromSeconds(options.Double("floor-duration", 5));
        var floorWindows = options.Int("floor-windows", 1);
        options.RejectUnknown();
        if (common.Target.Target is not null) throw new UsageException("artifact-transfer starts a server per artifact backend; --target is not supported");

        var folder = (work is null ? Directory.CreateTempSubdirectory("mlops-bench-transfer-") : Directory.CreateDirectory(Path.Combine(work, $"transfer-{Guid.NewGuid():N}"))).FullName;
        var servers = new List<(ArtifactStoreChoice Store, PlatformTarget Target, ArtifactService.ArtifactServiceClient Client, string Run, GrpcChannel Channel)>();
        BlobContainerClient? direct = null;
        try
        {
            var source = Path.Combine(folder, "source.bin");
            var warmupSource = Path.Combine(folder, "warmup.bin");
            var started = Stopwatch.StartNew();
            var sha = await LocalFiles.GenerateAsync(source, (long)sizeMiB << 20, 42, ct);
            var warmupSha = await LocalFiles.GenerateAsync(warmupSource, (long)warmupMiB << 20, 7, ct);
            Console.Error.WriteLine($"# generated {sizeMiB} MiB test file in {started.Elapsed.TotalSeconds:0.0} s (sha256 {sha[..12]}…) under {folder}");

            foreach (var store in stores)
            {
                var target = await PlatformTarget.OpenAsync(common.Target, null, store, ct);
                var channel = Channels.Open(target.Grpc);
                servers.Add((store, target, new ArtifactService.ArtifactServiceClient(channel), "", channel));
                var tracking = new TrackingService.TrackingServiceClient(channel);
                var experiment = await Fixtures.ExperimentAsync(tracking, $"{Name}-{store.Name}", ct);
                servers[^1] = servers[^1] with { Run = (await Fixtures.RunsAsync(tracking, experiment, 1, ct))[0] };
            }
            if (azurite is not null)
            {
                direct = new BlobContainerClient(azurite, DirectContainer);
                await direct.CreateIfNotExistsAsync(cancellationToken: ct);
            }
            var transfer = new StorageTransferOptions { MaximumConcurrency = blobConcurrency, InitialTransferSize = blobBlock, MaximumTransferSize = blobBlock };

            // Every mode, in the order each rep runs them: (step name, process serving it, action(file, sha, tag) -> outcome, cleanup(tag)).
            var steps = new List<(string Step, MeasuredProcesses Measured, Func<string, string, string, CancellationToken, Task<Outcome>> Run, Func<string, Task>? Cleanup)>();
            var none = new MeasuredProcesses(null, null);
            string Scratch(string tag) => Path.Combine(folder, $"out-{tag}.bin");
            steps.Add(("copy", none, async (file, digest, tag, token) =>
            {
                await LocalFiles.CopyAsync(file, Scratch(tag), token);
                return Outcome.Done;
            }, tag => { LocalFiles.Delete(Scratch(tag)); return Task.CompletedTask; }));
            steps.Add(("sha256", none, async (file, digest, tag, token) =>
                new Outcome(await LocalFiles.Sha256Async(file, token) == digest ? null : "sha256 differs from the generated file's", null), null));
            if (direct is not null)
            {
                steps.Add(("direct_blob_upload", none, async (file, digest, tag, token) =>
                {
                    await direct.GetBlobClient($"direct/{tag}.bin").UploadAsync(file, new BlobUploadOptions { TransferOptions = transfer }, token);
                    return Outcome.Done;
                }, null));
                steps.Add(("direct_blob_download", none, async (file, digest, tag, token) =>
                {
                    var output = Scratch(tag + "-sdk");
                    await using (var stream = LocalFiles.OpenWrite(output))
                    {
                        await direct.GetBlobClient($"direct/{tag}.bin").DownloadToAsync(stream, new BlobDownloadToOptions { TransferOptions = transfer }, token);
                        stream.Flush(flushToDisk: true);
                    }
                    return new Outcome(null, output);
                }, null));
                // What the platform's blob backend does for a download: one streaming GET of the whole range.
                steps.Add(("direct_blob_download_single_stream", none, async (file, digest, tag, token) =>
                {
                    var output = Scratch(tag + "-stream");
                    var response = await direct.GetBlobClient($"direct/{tag}.bin").DownloadStreamingAsync(cancellationToken: token);
                    await using (var content = response.Value.Content)
                    await using (var stream = LocalFiles.OpenWrite(output))
                    {
                        var buffer = new byte[LocalFiles.CopyBufferSize];
                        int read;
                        while ((read = await LocalFiles.FillAsync(content, buffer, token)) > 0) await stream.WriteAsync(buffer.AsMemory(0, read), token);
                        stream.Flush(flushToDisk: true);
                    }
                    return new Outcome(null, output);
                }, async tag => await direct.GetBlobClient($"direct/{tag}.bin").DeleteIfExistsAsync(cancellationToken: CancellationToken.None)));
            }
            foreach (var server in servers)
            {
                var name = $"gateway_{server.Store.Name}";
                steps.Add(($"{name}_upload", server.Target.Measured, async (file, digest, tag, token) =>
                {
                    var header = new UploadHeader { RunId = server.Run, Path = $"bench/{tag}.bin", ExpectedSha256 = digest, ExpectedSize = new FileInfo(file).Length };
                    var info = await ArtifactStreams.UploadAsync(server.Client, header, file, chunk, token);
                    return new Outcome(info.Sha256 == digest && info.Size == header.ExpectedSize ? null : $"server recorded {info.Size} bytes, sha256 {info.Sha256}", null);
                }, null));
                steps.Add(($"{name}_download", server.Target.Measured, async (file, digest, tag, token) =>
                {
                    var output = Scratch($"{tag}-{server.Store.Name}");
                    await ArtifactStreams.DownloadAsync(server.Client, new DownloadArtifactRequest { RunId = server.Run, Path = $"bench/{tag}.bin" }, output, token);
                    return new Outcome(null, output);
                }, async tag => await server.Client.DeleteAsync(new DeleteArtifactRequest { RunId = server.Run, Path = $"bench/{tag}.bin" }, cancellationToken: CancellationToken.None)));
            }

            // Warm-up: every step once on a small file, so JIT tiers and connections are settled before anything is timed.
            foreach (var step in steps)
            {
                var outcome = await step.Run(warmupSource, warmupSha, "warmup", ct);
                var problem = outcome.Problem ?? await CheckAsync(outcome.Downloaded, warmupSha, ct);
                if (problem is not null) throw new InvalidOperationException($"warm-up {step.Step}: {problem}");
                if (step.Cleanup is not null) await step.Cleanup("warmup");
            }
            foreach (var leftover in Directory.EnumerateFiles(folder, "out-*")) File.Delete(leftover);

            // The floors, just before the workload: per gateway server the fsync floor in its data directory (a local-store
            // upload ends fsynced there) and the gRPC floor (no-op Ping, both drivers); the work folder's fsync floor for the
            // copies and downloads, which end fsynced there.
            var floorJson = new JsonObject { ["work_folder"] = new JsonObject { ["fsync_floor"] = FsyncFloor.Measure(folder).ToJson() } };
            foreach (var server in servers)
            {
                var fsync = FsyncFloor.Measure(server.Target.DataDir ?? Path.GetTempPath());
                Console.Error.WriteLine($"#   gateway {server.Store.Name}: {fsync}");
                var grpc = await GrpcFloor.MeasureAsync(common, server.Target.Grpc, server.Target.Measured, azuritePid, server.Channel, floorRate, floorDuration,
                    floorWindows, TimeSpan.FromSeconds(2), ct);
                floorJson[$"gateway_{server.Store.Name}"] = new JsonObject
                {
                    ["fsync_floor"] = fsync.ToJson(),
                    ["grpc_floor"] = new JsonObject(grpc.Select(f => KeyValuePair.Create(f.Key, (JsonNode?)f.Value.ToJson()))),
                };
            }

            var runs = await InterleavedWindows.RunAsync(common.Window.Rules, steps.Count, windows, async (s, w, attempt) =>
            {
                var step = steps[s];
                // A tag per attempt and window: a measured-again run never meets what an earlier attempt left behind.
                var tag = $"a{attempt + 1}w{w + 1}";
                LocalFiles.SyncAll();
                var judged = await common.Window.JudgeAsync(step.Measured, azuritePid, async () =>
                {
                    var timer = Stopwatch.StartNew();
                    var done = await step.Run(source, sha, tag, ct);
                    return (Outcome: done, Seconds: timer.Elapsed.TotalSeconds);
                }, ct);
                // Checked outside the timed window.
                var problem = judged.Result.Outcome.Problem ?? await CheckAsync(judged.Result.Outcome.Downloaded, sha, ct);
                if (step.Step.Contains("download", StringComparison.Ordinal))
                {
                    // The checked download is not needed any more; the next step should not find the disk full of them.
                    foreach (var f in Directory.EnumerateFiles(folder, $"out-{tag}-*")) File.Delete(f);
                }
                if (step.Cleanup is not null) await step.Cleanup(tag);
                var result = new TransferWindow(judged.Result.Seconds, sizeMiB / judged.Result.Seconds, problem);
                Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"#   attempt {attempt + 1} window {w + 1}/{windows} {step.Step}: {result.MiBPerSecond:0.0} MiB/s ({result.Seconds:0.00} s); {judged.Cpu}") +
                    (judged.ExtraCores is { } a ? string.Create(CultureInfo.InvariantCulture, $" azurite={a:0.00}") : "") +
                    (judged.Verdict.Kept ? "" : $"; discarded: {judged.Verdict.Reason}") + (problem is null ? "" : $"; WRONG: {problem}"));
                return new JudgedWindow<TransferWindow>(result, judged.Cpu, judged.ExtraCores, judged.OtherCores, judged.Elapsed, judged.Verdict);
            });

            var byStep = steps.Select((step, i) => (step.Step, Run: runs[i])).ToList();
            var problems = byStep.SelectMany(x => x.Run.Windows.Where(w => w.Result.Problem is not null).Select(w => $"{x.Step}: {w.Result.Problem}")).ToList();
            var medians = byStep.ToDictionary(x => x.Step, x => Stats.Median(x.Run.Kept.Select(k => k.MiBPerSecond)), StringComparer.Ordinal);
            var minimums = byStep.ToDictionary(x => x.Step, x => x.Run.Kept.Select(k => k.MiBPerSecond).DefaultIfEmpty(double.NaN).Min(), StringComparer.Ordinal);
            foreach (var (step, run) in byStep) Console.Error.WriteLine($"#   {step}: {run.Describe()}");
            var ratios = new JsonObject();
            foreach (var server in servers)
            {
                var reference = server.Store.IsBlob ? ("direct_blob_upload", "direct_blob_download") : ("copy", "copy");
                var pairs = new List<(string Direction, string Baseline)> { ("upload", reference.Item1), ("download", reference.Item2) };
                // On Azurite one streaming GET (what the blob backend does) can beat the SDK's parallel ranged GETs: compare with both.
                if (server.Store.IsBlob) pairs.Add(("download", "direct_blob_download_single_stream"));
                foreach (var (direction, baseline) in pairs)
                {
                    var step = $"gateway_{server.Store.Name}_{direction}";
                    // A step with no kept window has no median, so no ratio (JSON has no NaN).
                    if (medians.TryGetValue(baseline, out var b) && double.IsFinite(medians[step] / b)) ratios[$"{step}_vs_{baseline}"] = Math.Round(medians[step] / b, 3);
                }
            }
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"artifact-transfer backend={common.Target.Backend} size={sizeMiB} MiB chunk={chunk / 1024} KiB windows={windows}{common.RoundTag}: median (min) MiB/s of kept windows ") +
                string.Join(", ", byStep.Select(x => string.Create(CultureInfo.InvariantCulture,
                    $"{x.Step} {medians[x.Step]:0.0} ({minimums[x.Step]:0.0}; {x.Run.Planned - x.Run.Discarded}/{x.Run.Planned} kept{(x.Run.Void ? " VOID" : "")})"))) + "; ratios " +
                string.Join(", ", ratios.Select(x => string.Create(CultureInfo.InvariantCulture, $"{x.Key} {(double)x.Value!:0.00}"))) +
                (problems.Count == 0 ? "" : $"; WRONG: {string.Join(" | ", problems)}"));
            common.Results.Append(Name, common.Target.Backend,
                new JsonObject
                {
                    ["size_mib"] = sizeMiB, ["chunk_bytes"] = chunk, ["windows"] = windows,
                    ["floor_rate_per_s"] = floorRate, ["floor_duration_s"] = floorDuration.TotalSeconds, ["floor_windows"] = floorWindows, ["stores"] = new JsonArray(stores.Select(s => (JsonNode)s.Name).ToArray()),
                    ["blob_concurrency"] = blobConcurrency, ["blob_block_bytes"] = blobBlock, ["direct_blob"] = direct is not null,
                    ["max_other_cores"] = common.Window.Rules.MaxOtherCores, ["max_steal_pct"] = common.Window.Rules.MaxStealPercent,
                    ["fsync"] = "every transfer ends with its destination fsynced (copies, downloads; the local store fsyncs uploads itself); sync(2) before each step, untimed",
                },
                new JsonObject
                {
                    ["floors"] = floorJson,
                    ["mib_per_s_median"] = new JsonObject(medians.Select(m => KeyValuePair.Create(m.Key, Round(m.Value)))),
                    ["mib_per_s_min"] = new JsonObject(minimums.Select(m => KeyValuePair.Create(m.Key, Round(m.Value)))),
                    ["ratios"] = ratios,
                    ["steps"] = new JsonObject(byStep.Select(x => KeyValuePair.Create(x.Step, (JsonNode?)x.Run.ToJson(r => r.ToJson())))),
                    ["problems"] = new JsonArray(problems.Select(p => (JsonNode)p).ToArray()),
                });
        }
        finally
        {
            foreach (var server in servers)
            {
                server.Channel.Dispose();
                await server.Target.DisposeAsync();
            }
            if (direct is not null)
            {
                await foreach (var blob in direct.GetBlobsAsync(new GetBlobsOptions { Prefix = "direct/" }, CancellationToken.None))
                    await direct.DeleteBlobIfExistsAsync(blob.Name, cancellationToken: CancellationToken.None);
            }
            Directory.Delete(folder, recursive: true);
        }
    }

    private static async Task<string?> CheckAsync(string? downloaded, string digest, CancellationToken ct)
    {
        if (downloaded is null) return null;
        var actual = await LocalFiles.Sha256Async(downloaded, ct);
        return actual == digest ? null : $"downloaded bytes have sha256 {actual[..12]}…, expected {digest[..12]}…";
    }

    private static JsonNode? Round(double v) => double.IsFinite(v) ? Math.Round(v, 1) : null;

    /// <summary>One step's measured window: how long the transfer took and anything wrong with its bytes.</summary>
    private sealed record TransferWindow(double Seconds, double MiBPerSecond, string? Problem)
    {
        public JsonObject ToJson() => new()
        {
            ["seconds"] = Math.Round(Seconds, 3), ["mib_per_s"] = double.IsFinite(MiBPerSecond) ? Math.Round(MiBPerSecond, 1) : null, ["problem"] = Problem,
        };
    }

    /// <summary>What a step left to check: a problem found at once, or a downloaded file to hash once the clock stopped.</summary>
    private sealed record Outcome(string? Problem, string? Downloaded)
    {
        public static readonly Outcome Done = new(null, null);
    }
}
