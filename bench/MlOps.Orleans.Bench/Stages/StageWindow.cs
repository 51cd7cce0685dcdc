using System.Diagnostics;
using System.Net;

namespace MlOps.Orleans.Bench.Stages;

/// <summary>
/// Stage timings of one measured window, in one call from any command:
/// <code>
/// await using var stages = await StageWindow.StartAsync(httpBase, ct);
/// ... the measured window ...
/// var breakdown = await stages.StopAsync(ct);   // breakdown.ToJson() into the result, breakdown.Print(Console.Error)
/// </code>
/// It snapshots the server's <c>GET /debug/stages</c> before and after and subtracts them. A server without diagnostics
/// answers 404: the window then reports that as its error instead of failing the command. In a cluster each process reports
/// its own stages: open one window per process's HTTP endpoint.
/// </summary>
internal sealed class StageWindow : IAsyncDisposable
{
    private readonly HttpClient _http;
    private readonly Uri _endpoint;
    private readonly StageReading? _before;
    private readonly string? _error;
    private readonly long _started = Stopwatch.GetTimestamp();

    private StageWindow(HttpClient http, Uri endpoint, StageReading? before, string? error)
    {
        _http = http;
        _endpoint = endpoint;
        _before = before;
        _error = error;
    }

    public static async Task<StageWindow> StartAsync(Uri httpBase, CancellationToken ct = default)
    {
        var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        var endpoint = new Uri(httpBase, "/debug/stages");
        var (reading, error) = await ReadAsync(http, endpoint, ct);
        return new StageWindow(http, endpoint, reading, error);
    }

    /// <summary>The window's stages: what each histogram gained since <see cref="StartAsync"/>; stages with no calls are left out.</summary>
    public async Task<StageBreakdown> StopAsync(CancellationToken ct = default)
    {
        var seconds = Stopwatch.GetElapsedTime(_started).TotalSeconds;
        if (_before is null) return StageBreakdown.Unavailable(_error!);
        var (after, error) = await ReadAsync(_http, _endpoint, ct);
        if (after is null) return StageBreakdown.Unavailable(error!);
        if (after.Pid != _before.Pid) return StageBreakdown.Unavailable($"the server at {_endpoint} changed (pid {_before.Pid} -> {after.Pid}) during the window");
        var figures = new List<StageFigure>();
        foreach (var (key, (stage, tags, snapshot)) in after.Histograms)
        {
            var window = _before.Histograms.TryGetValue(key, out var earlier) ? snapshot.Minus(earlier.Snapshot) : snapshot;
            if (window.Count == 0) continue;
            figures.Add(new StageFigure(stage, tags, window.Count, window.MeanMs, window.Percentile(0.50), window.Percentile(0.99)));
        }
        var ordered = figures.OrderBy(f => StageOrder(f.Stage)).ThenBy(f => f.Stage, StringComparer.Ordinal).ThenByDescending(f => f.Count).ToList();
        return new StageBreakdown(after.Role, after.Silo, after.Pid, seconds, ordered, null);
    }

    public ValueTask DisposeAsync()
    {
        _http.Dispose();
        return ValueTask.CompletedTask;
    }

    /// <summary>Outside in, as a request passes them.</summary>
    private static int StageOrder(string stage) => stage switch
    {
        "handler" => 0,
        "grain_call" => 1,
        "online_shard_read" => 2,
        "store" => 3,
        "commit" => 4,
        _ => 5,
    };

    private static async Task<(StageReading? Reading, string? Error)> ReadAsync(HttpClient http, Uri endpoint, CancellationToken ct)
    {
        try
        {
            using var response = await http.GetAsync(endpoint, ct);
            if (response.StatusCode == HttpStatusCode.NotFound)
                return (null, $"{endpoint} answered 404: start the server with --server-env Mlops__EnableDiagnostics=true");
            response.EnsureSuccessStatusCode();
            return (StageReading.Parse(await response.Content.ReadAsStringAsync(ct)), null);
        }
        catch (Exception e) when (e is HttpRequestException or InvalidDataException or System.Text.Json.JsonException
                                      || (e is TaskCanceledException && !ct.IsCancellationRequested))
        {
            return (null, $"{endpoint}: {e.Message}");
        }
    }
}
