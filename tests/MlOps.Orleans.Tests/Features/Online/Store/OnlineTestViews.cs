using MlOps.Orleans.Contracts.Features;
using MlOps.Orleans.Contracts.Features.Online;
using MlOps.Orleans.Features.Online.Store;

namespace MlOps.Orleans.Tests.Features.Online.Store;

/// <summary>Layouts and rows for the online store tests; view names are unique per call so tests never share data.</summary>
internal static class OnlineTestViews
{
    public static readonly DateTime Now = DateTime.UtcNow;

    public static string Unique(string name) => $"{name}_{Guid.NewGuid():N}"[..(name.Length + 9)];

    /// <summary>One feature of every value type: i32, i64, f32, f64, b, s, bytes, ts.</summary>
    public static OnlineViewLayout AllTypes(TimeSpan? ttl = null) => new(
        new OnlineViewKey(Unique("all_types"), 1), "driver",
        [
            new FieldSpec("i32", FeatureValueType.Int32), new FieldSpec("i64", FeatureValueType.Int64),
            new FieldSpec("f32", FeatureValueType.Float32), new FieldSpec("f64", FeatureValueType.Float64),
            new FieldSpec("b", FeatureValueType.Bool), new FieldSpec("s", FeatureValueType.String),
            new FieldSpec("bytes", FeatureValueType.Bytes), new FieldSpec("ts", FeatureValueType.Timestamp),
        ],
        ttl);

    /// <summary>A view of <paramref name="features"/> float64 features (f0, f1, ...).</summary>
    public static OnlineViewLayout Floats(string name = "floats", int features = 10, TimeSpan? ttl = null, string keySpace = "driver") => new(
        new OnlineViewKey(Unique(name), 3), keySpace,
        Enumerable.Range(0, features).Select(i => new FieldSpec($"f{i}", FeatureValueType.Float64)).ToList(),
        ttl);

    public static OnlineRow FloatRow(DateTime eventTs, double seed, int features = 10, DateTime? created = null) =>
        new(eventTs, created, Enumerable.Range(0, features).Select(i => (object?)(seed + i)).ToArray());

    public static KeyValuePair<string, OnlineRow> Entry(string entity, OnlineRow row) => new(entity, row);

    public static string Driver(long id) => EntityKeys.Encode(id);
}
