using System.Text.Json;
using System.Text.Json.Serialization;

namespace MlOps.Orleans.Models;

/// <summary>
/// Reads metadata as one flat object: the named fields typed, every other key a string. A converter because
/// extension data would accept any JSON value where the format promises strings.
/// </summary>
internal sealed class ModelMetadataJsonConverter : JsonConverter<ModelMetadata>
{
    private const string TrainingFrameworkKey = "training_framework";
    private const string FrameworkVersionKey = "framework_version";
    private const string CreatedAtKey = "created_at";

    public override ModelMetadata Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw new JsonException("metadata must be an object");
        }

        string? framework = null;
        string? version = null;
        DateTimeOffset? createdAt = null;
        var properties = new Dictionary<string, string>(StringComparer.Ordinal);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
        {
            var key = reader.GetString()!;
            if (!seen.Add(key))
            {
                throw new JsonException($"metadata.{key} appears twice");
            }

            reader.Read();
            switch (key)
            {
                case TrainingFrameworkKey: framework = ReadString(ref reader, key); break;
                case FrameworkVersionKey: version = ReadString(ref reader, key); break;
                case CreatedAtKey: createdAt = ReadTimestamp(ref reader); break;
                default: properties[key] = ReadString(ref reader, key); break;
            }
        }

        return new ModelMetadata(
            framework ?? throw new JsonException($"metadata.{TrainingFrameworkKey} is required"),
            createdAt ?? throw new JsonException($"metadata.{CreatedAtKey} is required"),
            version,
            properties);
    }

    public override void Write(Utf8JsonWriter writer, ModelMetadata value, JsonSerializerOptions options)
    {
        writer.WriteStartObject();
        writer.WriteString(TrainingFrameworkKey, value.TrainingFramework);
        if (value.FrameworkVersion is not null)
        {
            writer.WriteString(FrameworkVersionKey, value.FrameworkVersion);
        }

        writer.WriteString(CreatedAtKey, value.CreatedAt);
        foreach (var (key, text) in value.Properties ?? new Dictionary<string, string>())
        {
            writer.WriteString(key, text);
        }

        writer.WriteEndObject();
    }

    private static string ReadString(ref Utf8JsonReader reader, string key) =>
        reader.TokenType == JsonTokenType.String
            ? reader.GetString()!
            : throw new JsonException($"metadata.{key} must be a string");

    // An offset is required: a bare local time means a different instant on every server that reads it.
    private static DateTimeOffset ReadTimestamp(ref Utf8JsonReader reader)
    {
        if (reader.TokenType == JsonTokenType.String
            && reader.TryGetDateTime(out var local)
            && local.Kind != DateTimeKind.Unspecified
            && reader.TryGetDateTimeOffset(out var instant))
        {
            return instant;
        }

        throw new JsonException($"metadata.{CreatedAtKey} must be an ISO 8601 timestamp with an offset, e.g. 2025-01-31T12:00:00Z");
    }
}
