using System.Text.Json.Nodes;
using MlOps.Orleans.Bench.Cli;
using MlOps.Orleans.Bench.Measure;

namespace MlOps.Orleans.Bench.Stages;

/// <summary>
/// <c>stages --http URL --for SECONDS</c>: the stage breakdown of a running server (started with
/// <c>Mlops__EnableDiagnostics=true</c>) over the next SECONDS, while another command drives it with <c>--target</c>. The same
/// reading any command gets in one call from <see cref="StageWindow"/>.
/// </summary>
internal sealed class StagesCommand : IBenchCommand
{
    public string Name => "stages";
    public string Usage => "--http http://127.0.0.1:HTTP_PORT [--for SECONDS (10)] [--label TEXT] [--results FILE]";

    public async Task RunAsync(Options options, CancellationToken ct)
    {
        var http = options.String("http") ?? throw new UsageException("--http (the server's HTTP/1.1 endpoint) is required");
        var seconds = options.Double("for", 10);
        var label = options.String("label");
        var results = new ResultFile(options.String("results", "bench-results.jsonl"));
        options.RejectUnknown();
        if (seconds <= 0) throw new UsageException("--for must be more than 0 seconds");

        await using var window = await StageWindow.StartAsync(new Uri(http), ct);
        // Ctrl+C ends the window early and still reports it.
        try { await Task.Delay(TimeSpan.FromSeconds(seconds), ct); }
        catch (OperationCanceledException) { /* report what was seen so far */ }
        var breakdown = await window.StopAsync(CancellationToken.None);
        breakdown.Print(Console.Error);
        var busiest = breakdown.Stages.OrderByDescending(s => s.Count).FirstOrDefault();
        Console.WriteLine(breakdown.Error is not null
            ? $"stages: {breakdown.Error}"
            : $"stages over {breakdown.WindowSeconds:0.0}s: {breakdown.Stages.Count} stage/tag sets, busiest {busiest?.Stage} {busiest?.Tags} n={busiest?.Count}");
        results.Append("stages", breakdown.Role ?? "unknown", new JsonObject { ["http"] = http, ["for_s"] = seconds, ["label"] = label },
            new JsonObject { ["stages"] = breakdown.ToJson() });
    }
}
