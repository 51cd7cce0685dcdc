using System.Text;
using System.Text.Json;
using MlOps.Orleans.Contracts.Features;

namespace MlOps.Orleans.Features.Definitions;

/// <summary>
/// The canonical JSON of definitions, as stored in the catalog: snake_case names in a fixed order, tags sorted by key,
/// types by their YAML names and ttl as seconds (or null), so one spec always serializes to the same bytes. Written by hand
/// rather than by a reflection-based serializer so the byte layout cannot drift with a library or a record change.
/// <para>Reading ignores unknown properties and defaults missing ones, so older stored versions stay readable.</para>
/// </summary>
public static class DefinitionJson
{
    // The relaxed encoder keeps SQL and expressions readable in the catalog ('+', '<', quotes stay as typed); this JSON is
    // stored and compared, never embedded in HTML, which is what the default encoder's extra escaping guards against.
    private static readonly JsonWriterOptions WriterOptions = new()
    {
        Indented = false,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static string Serialize(EntitySpec spec) => Write(w => DefinitionWriter.Entity(w, spec, versionedOnly: false));

    public static string Serialize(DataSourceSpec spec) => Write(w => DefinitionWriter.Source(w, spec, versionedOnly: false));

    public static string Serialize(FeatureViewSpec spec) => Write(w => DefinitionWriter.FeatureView(w, spec, versionedOnly: false));

    public static string Serialize(OnDemandFeatureViewSpec spec) => Write(w => DefinitionWriter.OnDemand(w, spec, versionedOnly: false));

    public static string Serialize(FeatureServiceSpec spec) => Write(w => DefinitionWriter.Service(w, spec, versionedOnly: false));

    /// <summary>Serializes any of the five spec records; throws for anything else.</summary>
    public static string Serialize(object spec) => spec switch
    {
        EntitySpec e => Serialize(e),
        DataSourceSpec s => Serialize(s),
        FeatureViewSpec v => Serialize(v),
        OnDemandFeatureViewSpec o => Serialize(o),
        FeatureServiceSpec f => Serialize(f),
        _ => throw new ArgumentException($"{spec?.GetType().Name ?? "null"} is not a definition spec", nameof(spec)),
    };

    /// <summary>The JSON of only the versioned part of a spec: what <see cref="DefinitionDigest"/> hashes.</summary>
    public static string SerializeVersioned(object spec) => spec switch
    {
        EntitySpec e => Write(w => DefinitionWriter.Entity(w, e, versionedOnly: true)),
        DataSourceSpec s => Write(w => DefinitionWriter.Source(w, s, versionedOnly: true)),
        FeatureViewSpec v => Write(w => DefinitionWriter.FeatureView(w, v, versionedOnly: true)),
        OnDemandFeatureViewSpec o => Write(w => DefinitionWriter.OnDemand(w, o, versionedOnly: true)),
        FeatureServiceSpec f => Write(w => DefinitionWriter.Service(w, f, versionedOnly: true)),
        _ => throw new ArgumentException($"{spec?.GetType().Name ?? "null"} is not a definition spec", nameof(spec)),
    };

    public static EntitySpec DeserializeEntity(string json) => Read(json, DefinitionReader.Entity);

    public static DataSourceSpec DeserializeSource(string json) => Read(json, DefinitionReader.Source);

    public static FeatureViewSpec DeserializeFeatureView(string json) => Read(json, DefinitionReader.FeatureView);

    public static OnDemandFeatureViewSpec DeserializeOnDemandView(string json) => Read(json, DefinitionReader.OnDemand);

    public static FeatureServiceSpec DeserializeService(string json) => Read(json, DefinitionReader.Service);

    /// <summary>Reads the spec record of <paramref name="kind"/> (an EntitySpec for Entity, and so on).</summary>
    public static object Deserialize(DefinitionKind kind, string json) => kind switch
    {
        DefinitionKind.Entity => DeserializeEntity(json),
        DefinitionKind.DataSource => DeserializeSource(json),
        DefinitionKind.FeatureView => DeserializeFeatureView(json),
        DefinitionKind.OnDemandFeatureView => DeserializeOnDemandView(json),
        DefinitionKind.FeatureService => DeserializeService(json),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "not a definition kind"),
    };

    /// <summary>The kind of a spec record.</summary>
    public static DefinitionKind KindOf(object spec) => spec switch
    {
        EntitySpec => DefinitionKind.Entity,
        DataSourceSpec => DefinitionKind.DataSource,
        FeatureViewSpec => DefinitionKind.FeatureView,
        OnDemandFeatureViewSpec => DefinitionKind.OnDemandFeatureView,
        FeatureServiceSpec => DefinitionKind.FeatureService,
        _ => throw new ArgumentException($"{spec?.GetType().Name ?? "null"} is not a definition spec", nameof(spec)),
    };

    /// <summary>The name of a spec record.</summary>
    public static string NameOf(object spec) => spec switch
    {
        EntitySpec e => e.Name,
        DataSourceSpec s => s.Name,
        FeatureViewSpec v => v.Name,
        OnDemandFeatureViewSpec o => o.Name,
        FeatureServiceSpec f => f.Name,
        _ => throw new ArgumentException($"{spec?.GetType().Name ?? "null"} is not a definition spec", nameof(spec)),
    };

    private static string Write(Action<Utf8JsonWriter> write)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            write(writer);
        }
        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    private static T Read<T>(string json, Func<JsonElement, T> read)
    {
        using var document = JsonDocument.Parse(json);
        if (document.RootElement.ValueKind != JsonValueKind.Object)
        {
            throw new JsonException("a definition must be a JSON object");
        }
        return read(document.RootElement);
    }
}
