using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using MlOps.Orleans.Contracts.Tracking;

namespace MlOps.Orleans.Hosting.Health;

/// <summary>Alive while the process is not shutting down; checks nothing external, so a slow database never restarts it.</summary>
internal sealed class LivenessCheck(IHostApplicationLifetime lifetime) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(lifetime.ApplicationStopping.IsCancellationRequested
            ? HealthCheckResult.Unhealthy("shutting down")
            : HealthCheckResult.Healthy());
}

/// <summary>Ready when a grain call reaches a silo and that silo reaches the catalog.</summary>
internal sealed class ReadinessCheck(IGrainFactory grains) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            var ping = grains.GetGrain<ITrackingQueryGrain>(0).Ping().WaitAsync(TimeSpan.FromSeconds(3), cancellationToken);
            return await ping ? HealthCheckResult.Healthy("cluster and catalog answer") : HealthCheckResult.Unhealthy("catalog did not answer");
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return HealthCheckResult.Unhealthy($"cluster or catalog unreachable: {e.GetType().Name}: {e.Message}");
        }
    }
}

/// <summary>
/// Ready for online serving when the online store answers and holds data. An empty store (a fresh deployment, or Redis
/// flushed or restarted without persistence) is reported as such: materialize the online views to fill it.
/// </summary>
internal sealed class OnlineStoreCheck(IGrainFactory grains) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            var status = await grains.GetGrain<MlOps.Orleans.Contracts.Features.Online.IOnlineFeatureGrain>(0).Status().WaitAsync(TimeSpan.FromSeconds(3), cancellationToken);
            var data = new Dictionary<string, object> { ["reachable"] = status.Reachable, ["has_data"] = status.HasData, ["live_views"] = status.LiveViews };
            if (!status.Reachable) return HealthCheckResult.Unhealthy($"online store unreachable: {status.Detail}", data: data);
            return status.HasData
                ? HealthCheckResult.Healthy($"online store answers and holds {status.LiveViews} view version(s): {status.Detail}", data)
                : HealthCheckResult.Unhealthy($"online store is empty: materialize the online views ({status.Detail})", data: data);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return HealthCheckResult.Unhealthy($"cluster unreachable: {e.GetType().Name}: {e.Message}");
        }
    }
}
