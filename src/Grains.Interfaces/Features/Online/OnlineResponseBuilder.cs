namespace MlOps.Orleans.Contracts.Features.Online;

/// <summary>
/// Fetched rows to Feast's column-major answer: the entity columns echoed, then each view's values, statuses and event times.
/// One implementation for a silo and a standalone gateway, so both answer a request the same way; a silo appends on-demand
/// outputs after these columns.
/// </summary>
public static class OnlineResponseBuilder
{
    public static List<OnlineFeatureColumn> Columns(IReadOnlyList<OnlinePlannedView> views, FeatureFrame entities, OnlineRow?[][] fetched, DateTime now)
    {
        var rows = entities.RowCount;
        var columns = new List<OnlineFeatureColumn>(entities.Columns.Count + views.Sum(v => v.Features.Count));
        foreach (var entity in entities.Columns)
        {
            var statuses = new FeatureStatus[rows];
            for (var r = 0; r < rows; r++) statuses[r] = entity.Values[r] is null ? FeatureStatus.NullValue : FeatureStatus.Present;
            columns.Add(new OnlineFeatureColumn(entity.Name, entity.Type, [.. entity.Values], statuses, new long[rows]));
        }
        for (var v = 0; v < views.Count; v++)
        {
            var view = views[v];
            var ttl = view.Layout.Ttl;
            for (var i = 0; i < view.Features.Count; i++)
            {
                var feature = view.Features[i];
                var values = new object?[rows];
                var statuses = new FeatureStatus[rows];
                var times = new long[rows];
                for (var r = 0; r < rows; r++)
                {
                    var row = fetched[v][r];
                    if (row is null)
                    {
                        statuses[r] = FeatureStatus.NotFound;
                        continue;
                    }
                    values[r] = row.Values[feature];
                    times[r] = (row.EventTimestamp - DateTime.UnixEpoch).Ticks / 10;
                    statuses[r] = ttl is { } t && now - row.EventTimestamp > t ? FeatureStatus.OutsideMaxAge
                        : values[r] is null ? FeatureStatus.NullValue : FeatureStatus.Present;
                }
                columns.Add(new OnlineFeatureColumn(view.OutputNames[i], view.Layout.Features[feature].Type, values, statuses, times));
            }
        }
        return columns;
    }
}
