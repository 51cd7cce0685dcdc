using MlOps.Orleans.Protos.Tracking.V1;

namespace MlOps.Orleans.Bench.Workloads;

/// <summary>
/// What one phase of the search command sends: requests cycled in order (call n sends request n mod count, so every window
/// sends the same mix), and the check of each answer against what the driver knows.
/// </summary>
/// <param name="Describe">The request's text for a failure message: its query, filter and order.</param>
/// <param name="Check">The problem with the answer to request i, or null.</param>
internal sealed record SearchWorkload(string Description, IReadOnlyList<SearchRunsRequest> Requests, Func<int, string> Describe,
    Func<int, SearchRunsResponse, string?> Check)
{
    public static SearchRunsRequest Request(string experimentId, string filter, string? orderBy, int maxResults)
    {
        var request = new SearchRunsRequest { Filter = filter, MaxResults = maxResults };
        request.ExperimentIds.Add(experimentId);
        if (orderBy is not null) request.OrderBy.Add(orderBy);
        return request;
    }
}
