using System.Globalization;
using MlOps.Orleans.Hosting;
using MlOps.Orleans.Tests.Infrastructure;
using MlOps.Orleans.Tests.Mlflow;
using Npgsql;
using Xunit.Abstractions;

namespace MlOps.Orleans.Tests.Catalog;

/// <summary>
/// What a whole silo really holds on PostgreSQL under load: the catalog's pool, Orleans' ADO.NET pool (membership and
/// pub-sub state share one, having one connection string) and anything else the process opens, counted by
/// pg_stat_activity for the silo's own database. A pooled connection stays open while idle, so sampling sees it.
/// </summary>
[Trait("Category", Category.Platform)]
public sealed class ProcessConnectionBudgetTests(BudgetPlatformFixture platform, ITestOutputHelper output) : IClassFixture<BudgetPlatformFixture>
{
    private const int Callers = 48;

    [Fact]
    public async Task A_burst_of_requests_never_holds_more_connections_than_the_setting()
    {
        var rest = new MlflowRest(platform.Http);
        var peaks = new Dictionary<string, int>(StringComparer.Ordinal);
        var peakTotal = 0;
        using var stop = new CancellationTokenSource();
        var watcher = Task.Run(async () =>
        {
            await using var admin = new NpgsqlConnection(TestPostgres.AdminConnectionString);
            await admin.OpenAsync();
            do
            {
                await using var count = new NpgsqlCommand(
                    "SELECT COALESCE(application_name, ''), COUNT(*) FROM pg_stat_activity WHERE datname = @d GROUP BY 1", admin);
                count.Parameters.AddWithValue("d", platform.Database);
                var total = 0;
                await using var rows = await count.ExecuteReaderAsync();
                while (await rows.ReadAsync())
                {
                    var n = (int)rows.GetInt64(1);
                    total += n;
                    peaks[rows.GetString(0)] = Math.Max(n, peaks.GetValueOrDefault(rows.GetString(0)));
                }
                peakTotal = Math.Max(peakTotal, total);
            } while (!stop.IsCancellationRequested);
        });

        // Each caller writes and reads through different grains, so the catalog sees up to Callers requests at once.
        await Task.WhenAll(Enumerable.Range(0, Callers).Select(async i =>
        {
            var experiment = (string)(await rest.Ok(rest.Post("experiments/create", new { name = $"budget-{i}-{Guid.NewGuid():N}" })))["experiment_id"]!;
            var run = (string)(await rest.Ok(rest.Post("runs/create", new { experiment_id = experiment, start_time = 1000 })))["run"]!["info"]!["run_id"]!;
            await rest.Ok(rest.Post("runs/log-metric", new { run_id = run, key = "loss", value = 0.5, timestamp = 1000, step = 0 }));
            await rest.Ok(rest.Post("runs/search", new { experiment_ids = new[] { experiment } }));
        }));
        await stop.CancelAsync();
        await watcher;

        output.WriteLine($"peak connections on {platform.Database}: {peakTotal.ToString(CultureInfo.InvariantCulture)} " +
            $"({string.Join(", ", peaks.Select(p => $"{p.Key} {p.Value.ToString(CultureInfo.InvariantCulture)}"))})");
        Assert.InRange(peakTotal, 1, BudgetPlatformFixture.MaxConnections);
        // Only the two sized pools connect, each within its share; the burst used the catalog's share to the full. A
        // backend still starting up shows no application_name for a moment (seen 1 in ~40 runs): it counts in the total
        // above, but names no pool.
        Assert.All(peaks.Keys.Where(name => name.Length > 0), name => Assert.Contains(name, new[] { "mlops-catalog", "mlops-orleans" }));
        Assert.Equal(PostgresPools.CatalogShare(BudgetPlatformFixture.MaxConnections), peaks.GetValueOrDefault("mlops-catalog"));
        Assert.InRange(peaks.GetValueOrDefault("mlops-orleans"), 0, PostgresPools.OrleansShare(BudgetPlatformFixture.MaxConnections));
    }
}
