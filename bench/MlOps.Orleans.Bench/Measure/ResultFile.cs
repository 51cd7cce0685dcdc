using System.Text.Json;
using System.Text.Json.Nodes;

namespace MlOps.Orleans.Bench.Measure;

/// <summary>One JSON object per line per measurement, appended, so a series of runs builds up a file docs can quote from.</summary>
internal sealed class ResultFile(string path)
{
    public string Path { get; } = System.IO.Path.GetFullPath(path);

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
        var directory = System.IO.Path.GetDirectoryName(Path);
        if (!string.IsNullOrEmpty(directory)) Directory.CreateDirectory(directory);
        File.AppendAllText(Path, record.ToJsonString(new JsonSerializerOptions { WriteIndented = false }) + "\n");
    }
}
