using MlOps.Orleans.Contracts.Common;
using MlOps.Orleans.Contracts.Tracking;
using Orleans;

namespace MlOps.Orleans.Artifacts.Transfers;

/// <summary>Store key prefixes of the two kinds of target, derived from ids only, never from a client-given location.</summary>
public static class ArtifactRoots
{
    /// <summary>The run's root; NOT_FOUND for an unknown run, FAILED_PRECONDITION for a deleted one when writing.</summary>
    public static async Task<string> RunAsync(IGrainFactory grains, string runId, bool forWrite)
    {
        TrackingValidation.RunId(runId);
        var run = grains.GetGrain<IRunGrain>(runId);
        // Checked before any byte is stored, so a deleted run gets nothing written, not bytes the catalog then refuses.
        if (forWrite && (await run.Get().ConfigureAwait(false)).Info.LifecycleStage != LifecycleStage.Active)
            throw MlopsException.Precondition($"run '{runId}' is deleted; restore it before changing its artifacts");
        return await run.GetArtifactRoot().ConfigureAwait(false);
    }

    public static string Staging(string stagingId) => ArtifactKeys.StagingRoot(stagingId);
}
