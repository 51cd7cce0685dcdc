namespace MlOps.Orleans.Contracts.Features;

/// <summary>
/// One feature view (keyed by name): its versions, decoded once and kept hot for retrieval. The registry grain tells it when an
/// apply changed the view.
/// </summary>
[Alias("mlops.features.IFeatureViewGrain")]
public interface IFeatureViewGrain : IGrainWithStringKey
{
    /// <summary>A version (null: the latest live one). NOT_FOUND when the view or that version does not exist, or the view was removed
    /// and no version was asked for.</summary>
    [Alias("Get")] Task<FeatureViewSpecVersion> Get(int? version);

    /// <summary>A version (null: the latest, even if removed, with <see cref="DefinitionVersion.Removed"/> set); null when there is
    /// no such view or version. What retrieval and serving resolve through, so a hot view is decoded once per activation.</summary>
    [Alias("Find")] Task<DefinitionView?> Find(int? version);

    /// <summary>Drops what the activation holds so the next read sees the catalog.</summary>
    [Alias("Invalidate")] Task Invalidate();
}

/// <summary>A feature view spec at one version.</summary>
[GenerateSerializer, Immutable]
[Alias("mlops.features.FeatureViewSpecVersion")]
public sealed record FeatureViewSpecVersion(
    [property: Id(0)] FeatureViewSpec Spec,
    [property: Id(1)] int Version,
    [property: Id(2)] string Digest);
