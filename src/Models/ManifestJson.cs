using System.Text.Json;
using System.Text.Json.Serialization;

namespace MlOps.Orleans.Models;

/// <summary>The one JSON configuration for manifests: snake_case, strict types, required fields enforced.</summary>
internal static class ManifestJson
{
    /// <summary>A manifest is small; a bigger file is a mistake or an attack, not a manifest.</summary>
    public const long MaxManifestBytes = 16 * 1024 * 1024;

    public static readonly JsonDocumentOptions DocumentOptions = new()
    {
        AllowTrailingCommas = false,
        CommentHandling = JsonCommentHandling.Disallow,
        AllowDuplicateProperties = false,
    };

    public static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        RespectNullableAnnotations = true,
        RespectRequiredConstructorParameters = true,
        AllowDuplicateProperties = false,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter<ElementType>(namingPolicy: null, allowIntegerValues: false) },
    };
}
