using System.Globalization;
using System.Text.Json.Nodes;

namespace MlOps.Orleans.Bench.Stages;

/// <summary>
/// Where the server's time went during one measured window, per stage, as read from two <c>/debug/stages</c> answers; or why
/// it could not be read (diagnostics off: start the server with <c>--server-env Mlops__EnableDiagnostics=true</c>).
/// </summary>
internal sealed record StageBreakdown(string? Role, string? Silo, int? Pid, double WindowSeconds, IReadOnlyList<StageFigure> Stages, string? Error)
{
    public static StageBreakdown Unavailable(string error) => new(null, null, null, 0, [], error);

    public JsonObject ToJson() => new()
    {
        ["role"] = Role,
        ["silo"] = Silo,
        ["pid"] = Pid,
        ["window_s"] = Math.Round(WindowSeconds, 3),
        ["error"] = Error,
        ["stages"] = new JsonArray(Stages.Select(s => (JsonNode)s.ToJson()).ToArray()),
    };

    /// <summary>One line per stage, busiest first within a stage, each led by '#' (progress lines go to stderr).</summary>
    public void Print(TextWriter to)
    {
        if (Error is not null)
        {
            to.WriteLine($"# stages: {Error}");
            return;
        }
        to.WriteLine(string.Create(CultureInfo.InvariantCulture, $"# stages over {WindowSeconds:F1} s, {Role} {Silo ?? ""} pid {Pid}:"));
        foreach (var s in Stages)
        {
            to.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"#   {s.Stage,-18} n={s.Count,-8} mean={Ms(s.MeanMs)} p50={Ms(s.P50Ms)} p99={Ms(s.P99Ms)}  {s.Tags}"));
        }
    }

    private static string Ms(double? ms) => ms is { } v ? v.ToString(v < 1 ? "F3" : "F2", CultureInfo.InvariantCulture) + "ms" : "-";
}
