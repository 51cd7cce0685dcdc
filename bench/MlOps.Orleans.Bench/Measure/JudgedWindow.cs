using System.Text.Json.Nodes;

namespace MlOps.Orleans.Bench.Measure;

/// <summary>One measured window with the machine's state over it and the verdict on it.</summary>
/// <param name="OtherCores">Busy cores of every process that is not measured: not the client, server, database or
/// <paramref name="ExtraCores"/>' process (Redis, Azurite).</param>
internal sealed record JudgedWindow<T>(T Result, CpuUse Cpu, double? ExtraCores, double OtherCores, TimeSpan Elapsed, WindowVerdict Verdict)
{
    public JsonObject ToJson() => new()
    {
        ["kept"] = Verdict.Kept, ["judged"] = Verdict.Judged, ["reason"] = Verdict.Reason,
        ["other_cores"] = double.IsFinite(OtherCores) ? Math.Round(OtherCores, 3) : null,
        ["steal_pct"] = double.IsFinite(Cpu.StealPercent) ? Math.Round(Cpu.StealPercent, 2) : null,
        ["elapsed_s"] = Math.Round(Elapsed.TotalSeconds, 3), ["cpu"] = Cpu.ToJson(),
        ["extra_cores"] = ExtraCores is { } e ? Math.Round(e, 2) : null,
    };
}
