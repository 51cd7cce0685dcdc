using MlOps.Orleans.Contracts.Features;
using MlOps.Orleans.Features.Offline;

namespace MlOps.Orleans.Tests.Features.Offline;

/// <summary>Terse builders for the definition records the tests need.</summary>
public static class Specs
{
    private static readonly IReadOnlyDictionary<string, string> NoTags = new Dictionary<string, string>();

    public static EntitySpec Entity(string name, params FieldSpec[] keys) => new(name, keys, "", NoTags);

    public static DataSourceSpec Source(string name, string path, string ts = "event_ts", string created = "", SourceFormat format = SourceFormat.Parquet,
        bool hive = false, IReadOnlyList<FieldSpec>? schema = null) =>
        new(name, false, format, path, ts, created, hive, schema ?? [], "", NoTags);

    public static DataSourceSpec Push(string name, IReadOnlyList<FieldSpec> schema, string ts = "event_ts", string created = "") =>
        new(name, true, SourceFormat.Parquet, "", ts, created, false, schema, "", NoTags);

    public static FeatureViewSpec View(string name, string[] entities, FieldSpec[] schema, string source, TimeSpan? ttl,
        string ts = "", string created = "") =>
        new(name, entities, schema, source, [], "", ts, created, ttl, false, NoTags, "", "");

    public static FeatureViewSpec SqlView(string name, string[] entities, FieldSpec[] schema, string[] sources, string sql, TimeSpan? ttl,
        string ts = "event_ts", string created = "") =>
        new(name, entities, schema, "", sources, sql, ts, created, ttl, false, NoTags, "", "");

    public static FieldSpec F(string name, FeatureValueType type) => new(name, type);

    public static ViewSelection Select(FeatureViewSpec view, params string[] features) =>
        new(view, 1, features.Select(f => new SelectedFeature(f, f)).ToList());

    public static ViewSelection SelectFull(FeatureViewSpec view, params string[] features) =>
        new(view, 1, features.Select(f => new SelectedFeature(f, $"{view.Name}__{f}")).ToList());

    public static RetrievalJob Job(EntityInput entities, IEnumerable<ViewSelection> views, IEnumerable<DataSourceSpec> sources,
        IEnumerable<EntitySpec> entitySpecs, bool filterByCreated = false, string ts = "event_timestamp", IEnumerable<OnDemandSelection>? onDemand = null) =>
        new(entities, ts, views.ToList(), (onDemand ?? []).ToList(), sources.ToDictionary(s => s.Name), entitySpecs.ToDictionary(e => e.Name), filterByCreated);

    public static DateTime T(string iso) =>
        DateTime.SpecifyKind(DateTime.Parse(iso, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AdjustToUniversal | System.Globalization.DateTimeStyles.AssumeUniversal), DateTimeKind.Utc);
}
