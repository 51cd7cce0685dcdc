using MlOps.Orleans.Contracts.Features;
using MlOps.Orleans.Features.Transforms;

namespace MlOps.Orleans.Tests.Features.Transforms;

/// <summary>
/// A small world for expression tests: view <c>stats</c> (conv_rate float64, trips int64, city string, last_seen timestamp,
/// active bool, small int32, blob bytes, score float32), view <c>other</c> (conv_rate float64, trips int32) and request fields
/// val_to_add int64, factor float64, label string, now timestamp.
/// </summary>
internal static class OnDemandTestViews
{
    public static readonly IReadOnlyDictionary<string, FeatureValueType> InputTypes = new Dictionary<string, FeatureValueType>
    {
        ["stats__conv_rate"] = FeatureValueType.Float64,
        ["stats__trips"] = FeatureValueType.Int64,
        ["stats__city"] = FeatureValueType.String,
        ["stats__last_seen"] = FeatureValueType.Timestamp,
        ["stats__active"] = FeatureValueType.Bool,
        ["stats__small"] = FeatureValueType.Int32,
        ["stats__blob"] = FeatureValueType.Bytes,
        ["stats__score"] = FeatureValueType.Float32,
        ["other__conv_rate"] = FeatureValueType.Float64,
        ["other__trips_other"] = FeatureValueType.Int32,
        ["unrelated__x"] = FeatureValueType.Int64,
    };

    public static readonly IReadOnlyList<FieldSpec> RequestSchema =
    [
        new("val_to_add", FeatureValueType.Int64),
        new("factor", FeatureValueType.Float64),
        new("label", FeatureValueType.String),
        new("now", FeatureValueType.Timestamp),
    ];

    public static OnDemandFeatureViewSpec Spec(params (string Name, FeatureValueType Type, string Expression)[] outputs) =>
        new("ratios", ["stats", "other"], RequestSchema,
            outputs.Select(o => new OnDemandOutput(new FieldSpec(o.Name, o.Type), o.Expression)).ToList(),
            new Dictionary<string, string>(), "", "");

    public static CompiledOnDemandView Compile(params (string Name, FeatureValueType Type, string Expression)[] outputs) =>
        CompiledOnDemandView.Compile(Spec(outputs), InputTypes);

    /// <summary>Evaluates with inputs given by canonical name; names the view does not read are ignored.</summary>
    public static object?[] Run(CompiledOnDemandView view, IReadOnlyDictionary<string, object?> row)
    {
        var inputs = view.InputNames.Select(n => row.TryGetValue(n, out var v) ? v : null).ToArray();
        var outputs = new object?[view.Outputs.Count];
        view.Evaluate(inputs, outputs);
        return outputs;
    }

    /// <summary>Compiles one expression and evaluates it on one row.</summary>
    public static object? Eval(string expression, FeatureValueType type, IReadOnlyDictionary<string, object?>? row = null) =>
        Run(Compile(("out", type, expression)), row ?? SampleRow)[0];

    public static readonly IReadOnlyDictionary<string, object?> SampleRow = new Dictionary<string, object?>
    {
        ["stats__conv_rate"] = 0.5,
        ["stats__trips"] = 10L,
        ["stats__city"] = "Paris",
        ["stats__last_seen"] = new DateTime(2024, 3, 10, 8, 30, 0, DateTimeKind.Utc), // a Sunday
        ["stats__active"] = true,
        ["stats__small"] = 7,
        ["stats__blob"] = new byte[] { 1, 2, 3 },
        ["stats__score"] = 1.5f,
        ["other__conv_rate"] = 0.25,
        ["other__trips_other"] = 3,
        ["val_to_add"] = 2L,
        ["factor"] = 3.0,
        ["label"] = "Abc",
        ["now"] = new DateTime(2024, 3, 10, 9, 0, 0, DateTimeKind.Utc),
    };

    public static Dictionary<string, object?> With(params (string Name, object? Value)[] changes)
    {
        var row = new Dictionary<string, object?>(SampleRow);
        foreach (var (name, value) in changes)
        {
            row[name] = value;
        }
        return row;
    }
}
