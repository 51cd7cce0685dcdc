namespace MlOps.Orleans.Contracts.Features.Materialization;

/// <summary>
/// One view of a worker's assignment, with the definitions it reads as they were when the job started (a later apply does not
/// change a running job).
/// </summary>
[GenerateSerializer, Immutable]
[Alias("mlops.features.materialization.MaterializationViewTask")]
public sealed record MaterializationViewTask(
    [property: Id(0)] FeatureViewSpec View,
    [property: Id(1)] int Version,
    [property: Id(2)] DateTime Start,
    [property: Id(3)] DateTime End,
    [property: Id(4)] IReadOnlyDictionary<string, DataSourceSpec> Sources,
    [property: Id(5)] IReadOnlyDictionary<string, EntitySpec> Entities)
{
    /// <summary>An incremental view already materialized up to its end has nothing to read.</summary>
    public bool IsEmpty => End < Start;
}
