namespace MlOps.Orleans.Features.Offline;

/// <summary>A feature (or on-demand output) by its name in the view, and the column name it gets in the training set.</summary>
public sealed record SelectedFeature(string Name, string OutputName);
