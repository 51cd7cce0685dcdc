using MlOps.Orleans.Tests.Infrastructure;

namespace MlOps.Orleans.Tests.Features.Offline;

/// <summary>
/// Every cell of generated training sets equals what the brute-force reference computes, with and without the created
/// timestamp filter, and every hard case was actually exercised (its counter is above zero).
/// </summary>
[Trait("Category", Category.Unit)]
public sealed class PointInTimeReferenceTests : IDisposable
{
    private readonly OfflineTestHost _host = new();

    public void Dispose() => _host.Dispose();

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Every_cell_matches_the_reference(bool filterByCreated)
    {
        var scenario = new PointInTimeScenario(seed: 20240301, entityRows: 1500);
        var (job, views) = await scenario.WriteAsync(_host, filterByCreated);
        var reference = new PointInTimeReference(filterByCreated);
        var expected = scenario.Expected(views, reference);

        var result = await _host.Store.GetHistoricalFeaturesAsync(job, _host.OutputPath(), CancellationToken.None);
        var actual = await TrainingSetFile.ReadAsync(_host.OutputPath());

        Assert.Equal(scenario.EntityRowCount, result.RowCount);
        Assert.Equal(expected.Count, actual.Rows.Count);
        var mismatches = new List<string>();
        for (var r = 0; r < expected.Count; r++)
        {
            for (var c = 0; c < actual.Columns.Count; c++)
            {
                if (!Equals(expected[r][c], actual.Rows[r][c]))
                    mismatches.Add($"row {r} {actual.Columns[c]}: expected {Show(expected[r][c])}, got {Show(actual.Rows[r][c])}");
            }
        }
        Assert.True(mismatches.Count == 0, $"{mismatches.Count} cells differ:\n" + string.Join('\n', mismatches.Take(20)));

        var forced = new List<string>
        {
            "driver_hourly: match exactly at the ttl edge",
            "driver_hourly: latest row 1 us outside the ttl",
            "driver_hourly: event tie broken by created",
            "driver_hourly: full tie broken by file and row",
            "driver_hourly: keys without features",
            "pair_daily: match exactly at the ttl edge",
            "pair_daily: latest row 1 us outside the ttl",
            "pair_daily: full tie broken by file and row",
            "driver_profile: full tie broken by values",
            "driver_profile: match older than a week (no ttl)",
            "entity rows with a null key",
            "entity rows with a null time",
            "duplicate entity rows",
            filterByCreated ? "driver_hourly: late row hidden by the created filter" : "driver_hourly: late row taken without the created filter",
            filterByCreated ? "pair_daily: late row hidden by the created filter" : "pair_daily: late row taken without the created filter",
        };
        var missing = forced.Where(f => reference.Counters.GetValueOrDefault(f) == 0).ToList();
        Assert.True(missing.Count == 0, "cases never exercised: " + string.Join("; ", missing) + "\ncounters: " +
            string.Join("; ", reference.Counters.Select(p => $"{p.Key}={p.Value}")));
    }

    private static string Show(object? value) => value is null ? "null" : $"{value} ({value.GetType().Name})";
}
