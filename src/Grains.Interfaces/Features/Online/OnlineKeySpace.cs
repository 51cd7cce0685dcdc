namespace MlOps.Orleans.Contracts.Features.Online;

/// <summary>The views of a request keyed by one entity key space: their indexes in the plan and their layouts, read together from
/// each touched shard of that key space.</summary>
public sealed record OnlineKeySpace(string Name, IReadOnlyList<int> Views, OnlineViewLayout[] Layouts)
{
    /// <summary>Views grouped by key space in first-seen order; computed once per plan rather than per request.</summary>
    public static IReadOnlyList<OnlineKeySpace> Of(IReadOnlyList<OnlinePlannedView> views) => views
        .Select((view, index) => (view.Layout, Index: index))
        .GroupBy(v => v.Layout.KeySpace, StringComparer.Ordinal)
        .Select(g => new OnlineKeySpace(g.Key, g.Select(v => v.Index).ToList(), g.Select(v => v.Layout).ToArray()))
        .ToList();
}
