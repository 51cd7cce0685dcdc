using System.Globalization;
using System.Text.Json.Nodes;

namespace MlOps.Orleans.Bench.Floors;

/// <summary>One target: <see cref="Value"/> must not exceed <see cref="Limit"/>, both in <see cref="Unit"/> (ms for the
/// latency targets of issue 15 item 3, cores for issue 16's idle silo) and taken in the same run. Unknown (a NaN on either
/// side) is neither met nor missed.</summary>
internal sealed record TargetCheck(string Name, double Value, double Limit, string Unit = "ms")
{
    public string Outcome => !double.IsFinite(Value) || !double.IsFinite(Limit) ? "unknown" : Value <= Limit ? "met" : "missed";

    public JsonObject ToJson() => new()
    {
        ["target"] = Name, ["value_" + Unit] = Round(Value), ["limit_" + Unit] = Round(Limit), ["outcome"] = Outcome,
    };

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Name}: {Value:0.###} <= {Limit:0.###} {Unit} {Outcome}");

    private static double? Round(double v) => double.IsFinite(v) ? Math.Round(v, 3) : null;
}
