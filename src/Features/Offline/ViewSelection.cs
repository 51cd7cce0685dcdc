using MlOps.Orleans.Contracts.Features;
namespace MlOps.Orleans.Features.Offline;

/// <summary>One feature view version and the features taken from it, in output order.</summary>
public sealed record ViewSelection(FeatureViewSpec View, int Version, IReadOnlyList<SelectedFeature> Features);
