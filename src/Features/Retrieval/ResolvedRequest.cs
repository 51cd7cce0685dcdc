using MlOps.Orleans.Contracts.Features;
namespace MlOps.Orleans.Features.Retrieval;

/// <summary>A feature of a view (or an output of an on-demand view) and the column name it gets in the result.</summary>
public sealed record ResolvedFeature(string Name, string OutputName);

/// <summary>A view at one version and the features asked of it (possibly none, when only an on-demand view reads it).</summary>
public sealed record ResolvedView(FeatureViewSpec Spec, int Version, IReadOnlyList<ResolvedFeature> Features);

/// <summary>An on-demand view at one version and the outputs asked of it.</summary>
public sealed record ResolvedOnDemand(OnDemandFeatureViewSpec Spec, int Version, IReadOnlyList<ResolvedFeature> Outputs);

/// <summary>What a retrieval reads, in request order, and the definitions it used (for lineage).</summary>
public sealed record ResolvedRequest(
    IReadOnlyList<ResolvedView> Views,
    IReadOnlyList<ResolvedOnDemand> OnDemand,
    IReadOnlyList<DefinitionRef> Lineage,
    string ServiceName);
