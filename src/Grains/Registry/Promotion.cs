using MlOps.Orleans.Contracts.Common;
using MlOps.Orleans.Contracts.Registry;

namespace MlOps.Orleans.Grains.Registry;

/// <summary>The promotion rule, free of I/O: a newer model is not a better one, the metric decides.</summary>
internal static class Promotion
{
    /// <summary>Decides and explains. Missing or NaN values refuse the comparison unless the promotion is forced.</summary>
    public static (PromotionDecision Decision, string Reason) Decide(PromotionRequest request, long? holderVersion, double? candidate, double? holder)
    {
        if (request.Force)
        {
            if (string.IsNullOrWhiteSpace(request.Reason))
                throw MlopsException.Invalid("reason", "a forced promotion needs a written reason");
            return (PromotionDecision.Forced, request.Reason!);
        }
        if (candidate is null || double.IsNaN(candidate.Value))
            throw MlopsException.Precondition($"candidate version {request.CandidateVersion} has no {(candidate is null ? "" : "usable (NaN) ")}value for metric '{request.Metric}'");
        if (holderVersion is null)
            return (PromotionDecision.Promoted, $"no version held '{request.Alias}'; candidate {request.Metric} = {candidate}");
        if (holder is null || double.IsNaN(holder.Value))
            throw MlopsException.Precondition($"current holder version {holderVersion} of '{request.Alias}' has no {(holder is null ? "" : "usable (NaN) ")}value for metric '{request.Metric}'; promote with force and a reason");
        var gain = request.HigherIsBetter ? candidate.Value - holder.Value : holder.Value - candidate.Value;
        var better = request.HigherIsBetter ? "higher" : "lower";
        return gain > 0 && gain >= request.MinimumGain
            ? (PromotionDecision.Promoted, $"{request.Metric} {candidate} beats {holder} ({better} is better) by {gain}, at least {request.MinimumGain}")
            : (PromotionDecision.Rejected, $"{request.Metric} {candidate} does not beat {holder} ({better} is better) by at least {request.MinimumGain} (gain {gain})");
    }
}
