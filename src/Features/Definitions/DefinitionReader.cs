using System.Text.Json;
using MlOps.Orleans.Contracts.Features;

namespace MlOps.Orleans.Features.Definitions;

/// <summary>Reads the canonical JSON back into spec records; see <see cref="DefinitionJson"/>.</summary>
internal static class DefinitionReader
{
    private static readonly IReadOnlyDictionary<string, string> NoTags = new Dictionary<string, string>();

    public static EntitySpec Entity(JsonElement e) =>
        new(Str(e, "name"), Fields(e, "join_keys"), Str(e, "description"), Tags(e));

    public static DataSourceSpec Source(JsonElement e) => new(
        Str(e, "name"),
        Bool(e, "push"),
        SourceFormats.TryParse(Str(e, "format"), out var format) ? format : SourceFormat.Parquet,
        Str(e, "path"),
        Str(e, "timestamp_field"),
        Str(e, "created_timestamp_field"),
        Bool(e, "hive_partitioning"),
        Fields(e, "schema"),
        Str(e, "description"),
        Tags(e));

    public static FeatureViewSpec FeatureView(JsonElement e) => new(
        Str(e, "name"),
        Strings(e, "entities"),
        Fields(e, "schema"),
        Str(e, "source"),
        Strings(e, "sources"),
        Str(e, "sql"),
        Str(e, "timestamp_field"),
        Str(e, "created_timestamp_field"),
        e.TryGetProperty("ttl", out var ttl) && ttl.ValueKind == JsonValueKind.Number ? Seconds(ttl.GetDouble()) : null,
        Bool(e, "online"),
        Tags(e),
        Str(e, "owner"),
        Str(e, "description"));

    public static OnDemandFeatureViewSpec OnDemand(JsonElement e) => new(
        Str(e, "name"),
        Strings(e, "inputs"),
        Fields(e, "request_schema"),
        Array(e, "outputs").Select(o => new OnDemandOutput(Field(o), Str(o, "expression"))).ToList(),
        Tags(e),
        Str(e, "owner"),
        Str(e, "description"));

    public static FeatureServiceSpec Service(JsonElement e) => new(
        Str(e, "name"),
        Array(e, "projections").Select(p => new FeatureProjection(
            Str(p, "view"),
            Strings(p, "features"),
            p.TryGetProperty("version", out var v) && v.ValueKind == JsonValueKind.Number ? v.GetInt32() : null)).ToList(),
        Tags(e),
        Str(e, "owner"),
        Str(e, "description"));

    /// <summary>Ticks from seconds without going through TimeSpan.FromSeconds' rounding rules.</summary>
    private static TimeSpan Seconds(double seconds) => TimeSpan.FromTicks((long)Math.Round(seconds * TimeSpan.TicksPerSecond));

    private static string Str(JsonElement e, string name) =>
        e.TryGetProperty(name, out var p) && p.ValueKind == JsonValueKind.String ? p.GetString()! : "";

    private static bool Bool(JsonElement e, string name) =>
        e.TryGetProperty(name, out var p) && p.ValueKind == JsonValueKind.True;

    private static IEnumerable<JsonElement> Array(JsonElement e, string name) =>
        e.TryGetProperty(name, out var p) && p.ValueKind == JsonValueKind.Array ? p.EnumerateArray() : [];

    private static List<string> Strings(JsonElement e, string name) =>
        Array(e, name).Where(s => s.ValueKind == JsonValueKind.String).Select(s => s.GetString()!).ToList();

    private static List<FieldSpec> Fields(JsonElement e, string name) => Array(e, name).Select(Field).ToList();

    private static FieldSpec Field(JsonElement f)
    {
        var typeName = Str(f, "type");
        if (!FeatureTypes.TryParse(typeName, out var type))
        {
            throw new JsonException($"unknown value type '{typeName}' for field '{Str(f, "name")}'");
        }
        return new FieldSpec(Str(f, "name"), type, Str(f, "description"));
    }

    private static IReadOnlyDictionary<string, string> Tags(JsonElement e)
    {
        if (!e.TryGetProperty("tags", out var tags) || tags.ValueKind != JsonValueKind.Object)
        {
            return NoTags;
        }
        var result = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var p in tags.EnumerateObject())
        {
            result[p.Name] = p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString()! : p.Value.GetRawText();
        }
        return result;
    }
}
