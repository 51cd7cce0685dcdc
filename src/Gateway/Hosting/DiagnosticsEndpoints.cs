using MlOps.Orleans.Gateway.Timing;
using MlOps.Orleans.Contracts.Tracking;

namespace MlOps.Orleans.Gateway.Hosting;

/// <summary>Read-only operational views; tests use them to prove where grains live.</summary>
public static class DiagnosticsEndpoints
{
    public static WebApplication MapMlopsDiagnostics(this WebApplication app)
    {
        // Refusals are answered by HttpErrorMiddleware in DiagnosticsErrors' shape.
        app.MapGet("/debug/runs/{runId}/silo", async (string runId, IGrainFactory grains) =>
        {
            TrackingValidation.RunId(runId);
            return Results.Text(await grains.GetGrain<IRunGrain>(runId).GetSilo());
        });
        // Where a request's time goes, per stage (handler, grain call, store, commit, online shard read).
        StageEndpoints.Map(app);
        return app;
    }
}
