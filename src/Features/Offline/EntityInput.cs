using MlOps.Orleans.Contracts.Features;
namespace MlOps.Orleans.Features.Offline;

/// <summary>Entity rows: inline (<see cref="Inline"/>) or a <c>.parquet</c> / <c>.csv</c> file in the artifact store (<see cref="ArtifactKey"/>), exactly one.</summary>
public sealed record EntityInput(FeatureFrame? Inline, string? ArtifactKey)
{
    public static EntityInput FromFrame(FeatureFrame frame) => new(frame, null);

    public static EntityInput FromArtifact(string key) => new(null, key);
}
