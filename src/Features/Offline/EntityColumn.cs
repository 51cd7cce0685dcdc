using MlOps.Orleans.Contracts.Features;
namespace MlOps.Orleans.Features.Offline;

/// <summary>A column of the entity rows: its name, DuckDB type as loaded, and the feature type it is written as.</summary>
internal sealed record EntityColumn(string Name, string DuckDbType, FeatureValueType Type);
