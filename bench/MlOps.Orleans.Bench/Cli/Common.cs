using System.Globalization;
using MlOps.Orleans.Bench.Hosting;
using MlOps.Orleans.Bench.Measure;

namespace MlOps.Orleans.Bench.Cli;

/// <summary>Options every workload takes: where the server is (or which to start), how windows are judged, where results go.</summary>
internal sealed record Common(TargetSpec Target, ResultFile Results, QuietMachine Quiet, Window Window)
{
    public const string Usage =
        "[--target http://127.0.0.1:P [--server-pid PID[,PID...]] [--postmaster-pid PID]\n" +
        "        | --backend sqlite|postgres [--postgres CS] [--silo-dll PATH] [--perf-map] [--server-env \"NAME=VALUE;...\"]]\n" +
        "        [--results FILE] [--round LABEL] [--wait-quiet SECONDS] [--max-other 0.1] [--max-steal 2]";

    public static Common Read(Options options)
    {
        // The thresholds unless overridden; every result records the ones it was judged by.
        var rules = new WindowRules(options.Double("max-other", WindowRules.DefaultMaxOtherCores), options.Double("max-steal", WindowRules.DefaultMaxStealPercent));
        if (rules.MaxOtherCores < 0 || rules.MaxStealPercent < 0) throw new UsageException("--max-other and --max-steal must not be negative");
        // --wait-quiet waits for the same threshold the window is then judged by: waiting for less would start windows doomed to be discarded.
        var quiet = new QuietMachine(TimeSpan.FromSeconds(options.Double("wait-quiet", 0)), rules.MaxOtherCores);
        var window = new Window(quiet, rules);
        var round = options.String("round");
        var target = TargetSpec.Read(options);
        return new(target, new ResultFile(options.String("results", "bench-results.jsonl"), round, target.ServerEnvironment), quiet, window);
    }

    /// <summary>" round=LABEL" for a result line when <c>--round</c> was given (bench/scripts/rounds.sh), else empty.</summary>
    public string RoundTag => Results.Round is { } r ? string.Create(CultureInfo.InvariantCulture, $" round=[{r}]") : "";
}
