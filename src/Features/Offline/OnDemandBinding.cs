namespace MlOps.Orleans.Features.Offline;

/// <summary>
/// Where an on-demand view's inputs are in the streamed rows (<see cref="InputColumns"/>, parallel to its InputNames), and
/// which of its outputs go to the file (<see cref="OutputIndexes"/> into its Outputs, parallel to the selection).
/// </summary>
internal sealed record OnDemandBinding(OnDemandSelection Selection, int[] InputColumns, int[] OutputIndexes);
