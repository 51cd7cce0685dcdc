using MlOps.Orleans.Contracts.Common;
using MlOps.Orleans.Contracts.Features.Online;
using MlOps.Orleans.Features.Online.Retrieval;

namespace MlOps.Orleans.Grains.Features.Online;

/// <summary>Fetched rows to Feast's column-major answer: values, statuses and event times, on-demand outputs computed last.</summary>
internal static class OnlineResponseBuilder
{
    public static OnlineFeaturesResult Build(OnlineRequestPlan plan, OnlineFeaturesRequest request, OnlineRow?[][] fetched, DateTime now)
    {
        var rows = request.Entities.RowCount;
        var columns = new List<OnlineFeatureColumn>();
        foreach (var entity in request.Entities.Columns)
        {
            var statuses = new FeatureStatus[rows];
            for (var r = 0; r < rows; r++) statuses[r] = entity.Values[r] is null ? FeatureStatus.NullValue : FeatureStatus.Present;
            columns.Add(new OnlineFeatureColumn(entity.Name, entity.Type, [.. entity.Values], statuses, new long[rows]));
        }
        for (var v = 0; v < plan.Views.Count; v++)
        {
            var view = plan.Views[v];
            var ttl = view.Binding.Layout.Ttl;
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
                columns.Add(new OnlineFeatureColumn(view.OutputNames[i], view.Binding.Layout.Features[feature].Type, values, statuses, times));
            }
        }
        foreach (var od in plan.OnDemand) columns.AddRange(OnDemand(od, request, fetched, rows));
        return new OnlineFeaturesResult(columns);
    }

    private static IEnumerable<OnlineFeatureColumn> OnDemand(PlannedOnDemand od, OnlineFeaturesRequest request, OnlineRow?[][] fetched, int rows)
    {
        var requestColumns = od.Inputs.Select(i => i.View >= 0 ? null
            : request.RequestContext?.Columns.FirstOrDefault(c => c.Name == i.RequestField) ?? request.Entities.Columns.FirstOrDefault(c => c.Name == i.RequestField)).ToList();
        var missing = od.Inputs.Where((i, n) => i.View < 0 && requestColumns[n] is null).Select(i => i.RequestField).FirstOrDefault();
        if (missing is not null)
        {
            throw MlopsException.Invalid("request_context", $"on-demand view '{od.View.Spec.Name}' needs request field '{missing}'");
        }
        var outputs = od.Outputs.Select(_ => new object?[rows]).ToList();
        var inputs = new object?[od.Inputs.Count];
        var results = new object?[od.View.Outputs.Count];
        for (var r = 0; r < rows; r++)
        {
            for (var n = 0; n < inputs.Length; n++)
            {
                var input = od.Inputs[n];
                inputs[n] = input.View >= 0 ? fetched[input.View][r]?.Values[input.Feature] : FeatureValues.Widen(requestColumns[n]!.Values[r], input.RequestType);
            }
            od.View.Evaluate(inputs, results);
            for (var o = 0; o < od.Outputs.Count; o++) outputs[o][r] = results[od.Outputs[o]];
        }
        for (var o = 0; o < od.Outputs.Count; o++)
        {
            var statuses = outputs[o].Select(v => v is null ? FeatureStatus.NullValue : FeatureStatus.Present).ToArray();
            yield return new OnlineFeatureColumn(od.OutputNames[o], od.View.Outputs[od.Outputs[o]].Type, outputs[o], statuses, new long[rows]);
        }
    }
}
