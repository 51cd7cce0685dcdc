using MlOps.Orleans.Contracts.Common;
using ErrorCode = MlOps.Orleans.Contracts.Common.ErrorCode;
using MlOps.Orleans.Contracts.Tracking;

namespace MlOps.Orleans.Gateway.Hosting;

/// <summary>Read-only operational views; tests use them to prove where grains live.</summary>
public static class DiagnosticsEndpoints
{
    public static WebApplication MapMlopsDiagnostics(this WebApplication app)
    {
        app.MapGet("/debug/runs/{runId}/silo", async (string runId, IGrainFactory grains) =>
        {
            try
            {
                TrackingValidation.RunId(runId);
                return Results.Text(await grains.GetGrain<IRunGrain>(runId).GetSilo());
            }
            catch (MlopsException e)
            {
                return Results.Text(e.Message, statusCode: e.Code == ErrorCode.NotFound ? 404 : 400);
            }
        });
        return app;
    }
}
