using System.Text.Json.Nodes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using MlOps.Orleans.Bench.Cli;
using MlOps.Orleans.Bench.Measure;

namespace MlOps.Orleans.Bench.Micro;

/// <summary>
/// BenchmarkDotNet's ShortRun, in process: no generated project to build, so it runs from the Release build in seconds
/// and never writes into the source tree.
/// </summary>
internal sealed class MicroCommand : IBenchCommand
{
    public string Name => "micro";
    public string Usage => "[--results FILE] [--artifacts DIR]";

    public Task RunAsync(Options options, CancellationToken ct)
    {
        var results = new ResultFile(options.String("results", "bench-results.jsonl"));
        var artifacts = options.String("artifacts", Path.Combine(Path.GetTempPath(), "mlops-bench-bdn"));
        options.RejectUnknown();
        var config = ManualConfig.Create(DefaultConfig.Instance)
            .AddJob(Job.ShortRun.WithToolchain(InProcessEmitToolchain.Instance))
            .WithArtifactsPath(artifacts)
            .WithOptions(ConfigOptions.DisableLogFile);
        var summary = BenchmarkRunner.Run<LogBatchSerializationBenchmarks>(config);
        var figures = new JsonObject();
        foreach (var report in summary.Reports)
        {
            var name = report.BenchmarkCase.Descriptor.WorkloadMethod.Name;
            var mean = report.ResultStatistics?.Mean;
            var allocated = report.GcStats.GetBytesAllocatedPerOperation(report.BenchmarkCase);
            figures[name] = new JsonObject { ["mean_us"] = mean is { } m ? Math.Round(m / 1000, 2) : null, ["allocated_bytes"] = allocated };
            Console.WriteLine($"micro LogBatchRequest(1000 metrics).{name}: mean {(mean is { } x ? $"{x / 1000:0.0} us" : "failed")}, allocated {allocated:N0} B/op");
        }
        results.Append(Name, "none", new JsonObject { ["job"] = "ShortRun, in-process" }, figures);
        return Task.CompletedTask;
    }
}
