using System.Text.Json.Serialization;

namespace MlOps.Orleans.Models;

/// <summary>
/// Where a model came from. In the manifest this is one flat object: the named fields plus any other string-valued
/// keys, which land in <see cref="Properties"/>.
/// </summary>
/// <param name="TrainingFramework">The framework that trained the model, e.g. <c>ML.NET</c> or <c>scikit-learn</c>.</param>
/// <param name="CreatedAt">When the package was made; written as ISO 8601 with an offset.</param>
/// <param name="FrameworkVersion">The training framework's version, when known.</param>
/// <param name="Properties">Any further free-form facts, string to string.</param>
[JsonConverter(typeof(ModelMetadataJsonConverter))]
public sealed record ModelMetadata(
    string TrainingFramework,
    DateTimeOffset CreatedAt,
    string? FrameworkVersion = null,
    IReadOnlyDictionary<string, string>? Properties = null)
{
    /// <summary>The manifest keys the named fields take, which <see cref="Properties"/> therefore cannot use.</summary>
    public static readonly IReadOnlySet<string> ReservedKeys =
        new HashSet<string>(StringComparer.Ordinal) { "training_framework", "framework_version", "created_at" };
}
