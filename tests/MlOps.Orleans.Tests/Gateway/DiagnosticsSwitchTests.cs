using System.Net;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using MlOps.Orleans.Tests.Infrastructure;

namespace MlOps.Orleans.Tests.Gateway;

/// <summary>/debug tells a caller where grains live: it is not served unless Mlops:EnableDiagnostics is set.</summary>
[Trait("Category", Category.Platform)]
public sealed class DiagnosticsSwitchTests(SqlitePlatformFixture platform, FaultingPlatformFixture enabled)
    : IClassFixture<SqlitePlatformFixture>, IClassFixture<FaultingPlatformFixture>
{
    [Fact]
    public async Task Debug_routes_are_absent_by_default_and_answer_404()
    {
        Assert.DoesNotContain(Routes(platform.Services), r => r.StartsWith("/debug", StringComparison.Ordinal));
        using var response = await platform.Http.GetAsync(new Uri("debug/runs/0123456789abcdef0123456789abcdef/silo", UriKind.Relative));
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public void Debug_routes_are_served_when_enabled() =>
        Assert.Contains(Routes(enabled.Services), r => r.StartsWith("/debug", StringComparison.Ordinal));

    private static List<string> Routes(IServiceProvider services) =>
        services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>().Select(e => e.RoutePattern.RawText ?? "").ToList();
}
