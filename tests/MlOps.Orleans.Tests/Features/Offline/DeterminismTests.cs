using System.Security.Cryptography;
using MlOps.Orleans.Tests.Infrastructure;

namespace MlOps.Orleans.Tests.Features.Offline;

/// <summary>The same job over the same data gives the same bytes, whatever DuckDB's parallelism.</summary>
[Trait("Category", Category.Unit)]
public sealed class DeterminismTests : IDisposable
{
    private readonly OfflineTestHost _host = new(threads: 2);

    public void Dispose() => _host.Dispose();

    [Fact]
    public async Task Same_job_same_digest_across_runs_and_thread_counts()
    {
        var scenario = new PointInTimeScenario(seed: 99, entityRows: 2500);
        var (job, _) = await scenario.WriteAsync(_host, filterByCreated: false);
        var single = _host.WithOptions(o => o.Threads = 1);
        var many = _host.WithOptions(o => o.Threads = 4);

        await _host.Store.GetHistoricalFeaturesAsync(job, _host.OutputPath("a.parquet"), CancellationToken.None);
        await _host.Store.GetHistoricalFeaturesAsync(job, _host.OutputPath("b.parquet"), CancellationToken.None);
        await single.GetHistoricalFeaturesAsync(job, _host.OutputPath("c.parquet"), CancellationToken.None);
        await many.GetHistoricalFeaturesAsync(job with { FilterByCreatedTimestamp = false }, _host.OutputPath("d.parquet"), CancellationToken.None);
        await _host.Store.GetHistoricalFeaturesAsync(job with { FilterByCreatedTimestamp = true }, _host.OutputPath("e.parquet"), CancellationToken.None);
        await single.GetHistoricalFeaturesAsync(job with { FilterByCreatedTimestamp = true }, _host.OutputPath("f.parquet"), CancellationToken.None);

        var digests = "abcdef".Select(c => Digest(_host.OutputPath($"{c}.parquet"))).ToList();
        Assert.All(digests.Take(4), d => Assert.Equal(digests[0], d));
        Assert.Equal(digests[4], digests[5]);
        Assert.NotEqual(digests[0], digests[4]);
        // Row groups are bounded by the configured size (1000 rows here).
        var file = await TrainingSetFile.ReadAsync(_host.OutputPath("a.parquet"));
        Assert.Equal((scenario.EntityRowCount + 999) / 1000, file.RowGroups);
        Assert.Equal(["a.parquet", "b.parquet", "c.parquet", "d.parquet", "e.parquet", "f.parquet"], Directory.GetFiles(_host.Output).Select(Path.GetFileName).Order());
    }

    private static string Digest(string path) => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(path)));
}
