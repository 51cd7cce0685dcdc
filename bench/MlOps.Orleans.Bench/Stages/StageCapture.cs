namespace MlOps.Orleans.Bench.Stages;

/// <summary>
/// The <c>--stages</c> switch of a workload command: the server is started with diagnostics on, and each measured run is
/// wrapped in a <see cref="StageWindow"/>, so its result says where the server spent a request's time. Off by default, since
/// the stage listener has a cost of its own (measured in docs/benchmarks.md); headline figures are taken without it.
/// </summary>
internal static class StageCapture
{
    public const string ServerSwitch = "Mlops__EnableDiagnostics";

    /// <summary>The server environment with diagnostics on when <paramref name="on"/>.</summary>
    public static IReadOnlyDictionary<string, string> Environment(IReadOnlyDictionary<string, string> environment, bool on)
    {
        if (!on) return environment;
        return new Dictionary<string, string>(environment, StringComparer.Ordinal) { [ServerSwitch] = "true" };
    }

    /// <summary>Runs <paramref name="measure"/> and, when <paramref name="http"/> is the server's HTTP base, the stages of
    /// the server during it (printed to stderr).</summary>
    public static async Task<(T Result, StageBreakdown? Stages)> AroundAsync<T>(Uri? http, Func<Task<T>> measure, CancellationToken ct)
    {
        if (http is null) return (await measure(), null);
        await using var window = await StageWindow.StartAsync(http, ct);
        var result = await measure();
        var breakdown = await window.StopAsync(ct);
        breakdown.Print(Console.Error);
        return (result, breakdown);
    }
}
