using MlOps.Orleans.Bench.Hosting;
using MlOps.Orleans.Bench.Measure;

namespace MlOps.Orleans.Bench.Cli;

/// <summary>Options every workload takes: where the server is (or which to start) and where results go.</summary>
internal sealed record Common(TargetSpec Target, ResultFile Results, QuietMachine Quiet, Window Window)
{
    public const string Usage =
        "[--target http://127.0.0.1:P [--server-pid PID] [--postmaster-pid PID]\n" +
        "        | --backend sqlite|postgres [--postgres CS] [--silo-dll PATH] [--perf-map] [--server-env \"NAME=VALUE;...\"]]\n" +
        "        [--results FILE] [--wait-quiet SECONDS] [--max-other CORES [--retries 3]]";

    public static Common Read(Options options)
    {
        var quiet = new QuietMachine(TimeSpan.FromSeconds(options.Double("wait-quiet", 0)));
        var maxOther = options.Double("max-other", double.NaN);
        var window = new Window(quiet, double.IsNaN(maxOther) ? null : maxOther, options.Int("retries", 3));
        return new(TargetSpec.Read(options), new ResultFile(options.String("results", "bench-results.jsonl")), quiet, window);
    }
}
