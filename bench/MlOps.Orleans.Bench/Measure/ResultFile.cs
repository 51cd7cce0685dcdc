using System.Text.Json;
using System.Text.Json.Nodes;

namespace MlOps.Orleans.Bench.Measure;

/// <summary>One JSON object per line per measurement, appended, so a series of runs builds up a file docs can quote from.</summary>
/// <param name="round">The <c>--round</c> label (index and A/B order), copied into every record; without it
/// <c>$MLOPS_BENCH_ROUND</c>, which bench/scripts/rounds.sh sets, so commands that take no common options are labelled too.</param>
/// <param name="serverEnvironment">The <c>--server-env</c> settings of the started server, copied into every record so an
/// A/B's two sides can be told apart from the results file alone.</param>
internal sealed class ResultFile(string path, string? round = null, IReadOnlyDictionary<string, string>? serverEnvironment = null)
{
    public const string RoundVariable = "MLOPS_BENCH_ROUND";

    public string Path { get; } = System.IO.Path.GetFullPath(path);

    public string? Round { get; } = round ?? (Environment.GetEnvironmentVariable(RoundVariable) is { Length: > 0 } r ? r : null);

    public void Append(string command, string backend, JsonObject settings, JsonObject figures)
    {
        var record = new JsonObject
        {
            ["command"] = command,
            ["backend"] = backend,
            ["time_utc"] = DateTime.UtcNow.ToString("O"),
            ["machine"] = Machine.ToJson(),
            ["settings"] = settings,
            ["figures"] = figures,
        };
        if (Round is not null) record["round"] = Round;
        if (serverEnvironment is { Count: > 0 }) record["server_env"] = string.Join(';', serverEnvironment.Select(e => $"{e.Key}={e.Value}"));
        JsonFinite.Scrub(record);
        var directory = System.IO.Path.GetDirectoryName(Path);
        if (!string.IsNullOrEmpty(directory)) Directory.CreateDirectory(directory);
        File.AppendAllText(Path, record.ToJsonString(new JsonSerializerOptions { WriteIndented = false }) + "\n");
    }
}
