using System.Text.Json;
using MlOps.Orleans.Contracts.Features;

namespace MlOps.Orleans.Features.Definitions;

/// <summary>
/// Writes specs in canonical order. With <c>versionedOnly</c> it leaves out metadata (description, tags, owner, the online
/// flag and field descriptions), which can change without making a new version.
/// </summary>
internal static class DefinitionWriter
{
    public static void Entity(Utf8JsonWriter w, EntitySpec spec, bool versionedOnly)
    {
        w.WriteStartObject();
        w.WriteString("name", spec.Name);
        Fields(w, "join_keys", spec.JoinKeys, versionedOnly);
        if (!versionedOnly)
        {
            w.WriteString("description", spec.Description);
            Tags(w, spec.Tags);
        }
        w.WriteEndObject();
    }

    public static void Source(Utf8JsonWriter w, DataSourceSpec spec, bool versionedOnly)
    {
        w.WriteStartObject();
        w.WriteString("name", spec.Name);
        w.WriteBoolean("push", spec.IsPush);
        w.WriteString("format", SourceFormats.Name(spec.Format));
        w.WriteString("path", spec.Path);
        w.WriteString("timestamp_field", spec.TimestampField);
        w.WriteString("created_timestamp_field", spec.CreatedTimestampField);
        w.WriteBoolean("hive_partitioning", spec.HivePartitioning);
        Fields(w, "schema", spec.Schema, versionedOnly);
        if (!versionedOnly)
        {
            w.WriteString("description", spec.Description);
            Tags(w, spec.Tags);
        }
        w.WriteEndObject();
    }

    public static void FeatureView(Utf8JsonWriter w, FeatureViewSpec spec, bool versionedOnly)
    {
        w.WriteStartObject();
        w.WriteString("name", spec.Name);
        Strings(w, "entities", spec.Entities);
        Fields(w, "schema", spec.Schema, versionedOnly);
        w.WriteString("source", spec.Source);
        Strings(w, "sources", spec.Sources);
        w.WriteString("sql", spec.Sql);
        w.WriteString("timestamp_field", spec.TimestampField);
        w.WriteString("created_timestamp_field", spec.CreatedTimestampField);
        if (spec.Ttl is { } ttl)
        {
            w.WriteNumber("ttl", ttl.TotalSeconds);
        }
        else
        {
            w.WriteNull("ttl");
        }
        if (!versionedOnly)
        {
            w.WriteBoolean("online", spec.Online);
            Tags(w, spec.Tags);
            w.WriteString("owner", spec.Owner);
            w.WriteString("description", spec.Description);
        }
        w.WriteEndObject();
    }

    public static void OnDemand(Utf8JsonWriter w, OnDemandFeatureViewSpec spec, bool versionedOnly)
    {
        w.WriteStartObject();
        w.WriteString("name", spec.Name);
        Strings(w, "inputs", spec.Inputs);
        Fields(w, "request_schema", spec.RequestSchema, versionedOnly);
        w.WriteStartArray("outputs");
        foreach (var output in spec.Outputs)
        {
            w.WriteStartObject();
            w.WriteString("name", output.Field.Name);
            w.WriteString("type", FeatureTypes.Name(output.Field.Type));
            w.WriteString("expression", output.Expression);
            if (!versionedOnly)
            {
                w.WriteString("description", output.Field.Description);
            }
            w.WriteEndObject();
        }
        w.WriteEndArray();
        if (!versionedOnly)
        {
            Tags(w, spec.Tags);
            w.WriteString("owner", spec.Owner);
            w.WriteString("description", spec.Description);
        }
        w.WriteEndObject();
    }

    public static void Service(Utf8JsonWriter w, FeatureServiceSpec spec, bool versionedOnly)
    {
        w.WriteStartObject();
        w.WriteString("name", spec.Name);
        w.WriteStartArray("projections");
        foreach (var projection in spec.Projections)
        {
            w.WriteStartObject();
            w.WriteString("view", projection.View);
            if (projection.Version is { } version)
            {
                w.WriteNumber("version", version);
            }
            else
            {
                w.WriteNull("version");
            }
            Strings(w, "features", projection.Features);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        if (!versionedOnly)
        {
            Tags(w, spec.Tags);
            w.WriteString("owner", spec.Owner);
            w.WriteString("description", spec.Description);
        }
        w.WriteEndObject();
    }

    private static void Fields(Utf8JsonWriter w, string property, IReadOnlyList<FieldSpec> fields, bool versionedOnly)
    {
        w.WriteStartArray(property);
        foreach (var field in fields)
        {
            w.WriteStartObject();
            w.WriteString("name", field.Name);
            w.WriteString("type", FeatureTypes.Name(field.Type));
            if (!versionedOnly)
            {
                w.WriteString("description", field.Description);
            }
            w.WriteEndObject();
        }
        w.WriteEndArray();
    }

    private static void Strings(Utf8JsonWriter w, string property, IReadOnlyList<string> values)
    {
        w.WriteStartArray(property);
        foreach (var value in values)
        {
            w.WriteStringValue(value);
        }
        w.WriteEndArray();
    }

    private static void Tags(Utf8JsonWriter w, IReadOnlyDictionary<string, string> tags)
    {
        w.WriteStartObject("tags");
        foreach (var (key, value) in tags.OrderBy(t => t.Key, StringComparer.Ordinal))
        {
            w.WriteString(key, value);
        }
        w.WriteEndObject();
    }
}
