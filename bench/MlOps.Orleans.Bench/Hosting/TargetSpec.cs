namespace MlOps.Orleans.Bench.Hosting;

/// <summary>Which server to measure: <see cref="Target"/> when it already runs, else one started on <see cref="Backend"/>.</summary>
/// <param name="PerfMap">Have the started server write /tmp/perf-PID.map, so <c>perf record -p PID</c> can name JIT-compiled frames.</param>
/// <param name="ServerEnvironment">Extra environment for the started server, for A/B runs of runtime settings.</param>
internal sealed record TargetSpec(string? Target, string Backend, string? Postgres, string? SiloDll, int ServerPid, int PostmasterPid,
    bool PerfMap, IReadOnlyDictionary<string, string> ServerEnvironment);
