using System.Net;
using System.Text.Json;
using MlOps.Orleans.Tests.Infrastructure;
using Wire = MlOps.Orleans.Protos.Tracking.V1;

namespace MlOps.Orleans.Tests.Telemetry;

/// <summary>On PostgreSQL the store and commit stages are the pool's transaction and its commit, and the process says it is a silo.</summary>
[Trait("Category", Category.Platform)]
public sealed class PostgresStageTests(PostgresStagesPlatformFixture platform) : IClassFixture<PostgresStagesPlatformFixture>
{
    [Fact]
    public async Task A_write_reports_postgres_store_and_commit_timings_from_a_named_silo()
    {
        await platform.Tracking.CreateExperimentAsync(new Wire.CreateExperimentRequest { Name = "stages-pg-" + Guid.NewGuid().ToString("N") });

        using var answer = await platform.Http.GetAsync(new Uri("/debug/stages", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        using var document = JsonDocument.Parse(await answer.Content.ReadAsStringAsync());
        var root = document.RootElement;
        Assert.Equal("silo", root.GetProperty("process").GetProperty("role").GetString());
        var stages = root.GetProperty("stages").EnumerateArray()
            .Select(s => (Stage: s.GetProperty("stage").GetString(), Tags: s.GetProperty("tags").EnumerateObject().ToDictionary(t => t.Name, t => t.Value.GetString())))
            .ToList();
        Assert.Contains(stages, s => s.Stage == "commit" && s.Tags["backend"] == "postgres");
        Assert.Contains(stages, s => s.Stage == "store" && s.Tags["backend"] == "postgres" && s.Tags["kind"] == "write");
    }
}
