using MlOps.Orleans.Catalog.LoggedModels;
using MlOps.Orleans.Catalog.Tracking;
using Orleans.Concurrency;
using MlOps.Orleans.Contracts.Tracking;

namespace MlOps.Orleans.Grains.Tracking;

/// <summary>Catalog reads that span many experiments or runs; one activation per silo core, no state.</summary>
[StatelessWorker]
public sealed class TrackingQueryGrain(ITrackingStore store, ILoggedModelStore loggedModels) : Grain, ITrackingQueryGrain
{
    public Task<SearchRunsPage> SearchRuns(SearchRunsQuery query) => store.SearchRunsAsync(query);

    public Task<SearchExperimentsPage> SearchExperiments(SearchExperimentsQuery query) => store.SearchExperimentsAsync(query);

    public Task<IReadOnlyList<DatasetSummary>> SearchDatasets(IReadOnlyList<string> experimentIds, int limit) => store.SearchDatasetsAsync(experimentIds, limit);

    public Task<LoggedModelsPage> SearchLoggedModels(SearchLoggedModelsQuery query) => loggedModels.SearchAsync(query);

    public Task<string?> FindExperimentId(string name) => store.FindExperimentIdAsync(name);

    public Task<string?> FindExperimentByLocation(IReadOnlyList<string> locations) => store.FindExperimentByLocationAsync(locations);

    public Task<bool> Ping() => store.PingAsync();
}
