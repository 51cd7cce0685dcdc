namespace MlOps.Orleans.Models;

/// <summary>Choices for <see cref="MlNetModelPackager.Package"/>.</summary>
public sealed record PackageOptions
{
    /// <summary>Write the first row of the sample data as the manifest's <c>input_example</c>. On by default.</summary>
    public bool IncludeInputExample { get; init; } = true;

    /// <summary>The feature service that feeds the model when served, if any.</summary>
    public string? FeatureService { get; init; }

    /// <summary>Extra metadata, string to string; the keys in <see cref="ModelMetadata.ReservedKeys"/> are refused.</summary>
    public IReadOnlyDictionary<string, string>? Properties { get; init; }
}
