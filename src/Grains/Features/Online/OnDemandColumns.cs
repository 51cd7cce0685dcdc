using MlOps.Orleans.Contracts.Common;
using MlOps.Orleans.Contracts.Features.Online;
using MlOps.Orleans.Features.Online.Retrieval;

namespace MlOps.Orleans.Grains.Features.Online;

/// <summary>On-demand outputs of an online request, computed from the fetched rows and the request fields. Needs the feature
/// engine's evaluator, so only a silo computes them; a standalone gateway sends such requests to <see cref="OnlineFeatureGrain"/>.</summary>
internal static class OnDemandColumns
{
    public static IEnumerable<OnlineFeatureColumn> Of(PlannedOnDemand od, OnlineFeaturesRequest request, OnlineRow?[][] fetched)
    {
        var rows = request.Entities.RowCount;
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
