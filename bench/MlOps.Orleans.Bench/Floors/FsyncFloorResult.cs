using System.Globalization;
using System.Text.Json.Nodes;
using MlOps.Orleans.Bench.Measure;

namespace MlOps.Orleans.Bench.Floors;

/// <summary>The fsync floor's latencies (ms) and where they were taken.</summary>
internal sealed record FsyncFloorResult(string Directory, string Filesystem, Summary Latency)
{
    public JsonObject ToJson() => new()
    {
        ["directory"] = Directory, ["filesystem"] = Filesystem, ["writes"] = FsyncFloor.Count, ["bytes_per_write"] = FsyncFloor.BlockSize,
        ["latency"] = Latency.ToJson(),
    };

    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"fsync floor p50 {Latency.P50:0.###} ms p99 {Latency.P99:0.###} ms ({Filesystem})");
}
