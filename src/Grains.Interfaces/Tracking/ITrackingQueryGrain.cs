namespace MlOps.Orleans.Contracts.Tracking;

/// <summary>Catalog searches and name lookups; a stateless worker on every silo.</summary>
[Alias("mlops.tracking.ITrackingQueryGrain")]
public interface ITrackingQueryGrain : IGrainWithIntegerKey
{
    [Alias("SearchRuns")] Task<SearchRunsPage> SearchRuns(SearchRunsQuery query);
    [Alias("SearchExperiments")] Task<SearchExperimentsPage> SearchExperiments(SearchExperimentsQuery query);
    [Alias("SearchDatasets")] Task<IReadOnlyList<DatasetSummary>> SearchDatasets(IReadOnlyList<string> experimentIds, int limit);
    [Alias("SearchLoggedModels")] Task<LoggedModelsPage> SearchLoggedModels(SearchLoggedModelsQuery query);
    /// <summary>The id of the experiment with this name (active or deleted), or null.</summary>
    [Alias("FindExperimentId")] Task<string?> FindExperimentId(string name);
    /// <summary>The active experiment owning a proxy location: its artifact_location is the deepest of these, or null.</summary>
    [Alias("FindExperimentByLocation")] Task<string?> FindExperimentByLocation(IReadOnlyList<string> locations);
    /// <summary>True when the catalog answers; readiness uses it.</summary>
    [Alias("Ping")] Task<bool> Ping();
}
