using MlOps.Orleans.Contracts.Features;

namespace MlOps.Orleans.Tests.Features.Definitions;

/// <summary>One spec of each kind with every field set, for JSON, digest and planner tests.</summary>
internal static class SampleSpecs
{
    public static Dictionary<string, string> Tags(params (string Key, string Value)[] tags) =>
        tags.ToDictionary(t => t.Key, t => t.Value);

    public static EntitySpec Entity() =>
        new("driver", [new FieldSpec("driver_id", FeatureValueType.Int64, "the driver")], "A driver", Tags(("team", "drivers")));

    public static DataSourceSpec Source() => new(
        "driver_stats", false, SourceFormat.Parquet, "artifacts:features/driver_stats/*.parquet", "event_timestamp", "created",
        true,
        [new("driver_id", FeatureValueType.Int64), new("event_timestamp", FeatureValueType.Timestamp),
         new("created", FeatureValueType.Timestamp), new("conv_rate", FeatureValueType.Float32, "conversion")],
        "hourly stats", Tags(("b", "2"), ("a", "1")));

    public static FeatureViewSpec View() => new(
        "driver_hourly_stats", ["driver"], [new("conv_rate", FeatureValueType.Float64, "conversion rate")],
        "driver_stats", [], "", "event_timestamp", "created", TimeSpan.FromDays(1), true,
        Tags(("z", "last"), ("team", "drivers")), "team@x", "Hourly stats");

    public static OnDemandFeatureViewSpec OnDemand() => new(
        "driver_ratios", ["driver_hourly_stats"], [new("val_to_add", FeatureValueType.Int64)],
        [new(new FieldSpec("conv_plus_val", FeatureValueType.Float64, "sum"), "conv_rate + val_to_add")],
        Tags(("k", "v")), "team@x", "ratios");

    public static FeatureServiceSpec Service() => new(
        "driver_model_v1",
        [new("driver_hourly_stats", ["conv_rate"], 2), new("driver_ratios", [])],
        Tags(("model", "m1")), "team@x", "for model 1");
}
