namespace MlOps.Orleans.Contracts.Features.Materialization;

/// <summary>Where a materialization job is. Succeeded, Failed and Cancelled are final; the numbers are stored in the catalog.</summary>
[Alias("mlops.features.materialization.MaterializationStatus")]
public enum MaterializationStatus
{
    Pending = 0,
    Running = 1,
    Succeeded = 2,
    Failed = 3,
    Cancelled = 4,
}
