using MlOps.Orleans.Features.Transforms;

namespace MlOps.Orleans.Features.Offline;

/// <summary>A compiled on-demand view and the outputs taken from it, in output order.</summary>
public sealed record OnDemandSelection(CompiledOnDemandView View, IReadOnlyList<SelectedFeature> Outputs);
