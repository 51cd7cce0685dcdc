using System.Diagnostics;
using System.Globalization;
using DuckDB.NET.Data;
using MlOps.Orleans.Tests.Processes;
using Xunit.Abstractions;
using MlOps.Orleans.Tests.Infrastructure;
using Feat = MlOps.Orleans.Protos.Features.V1;

namespace MlOps.Orleans.Tests.Features.Api;

/// <summary>
/// A 10-million-row training set through a server whose managed heap is capped at 128 MiB and whose DuckDB may use 256 MB:
/// holding the entity rows, the feature rows or the result would kill it. The files are written into the child's artifact folder.
/// </summary>
[Collection(ProcessTestsCollection.Name)]
[Trait("Category", Category.Slow)]
public sealed class LargeRetrievalProcessTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const long Rows = 10_000_000;
    private const string HeapLimit = "0x8000000"; // 128 MiB
    private readonly ProcessScope _scope = new(output);

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _scope.DisposeAsync();

    [Fact]
    public Task Ten_million_entity_rows_stream_through_a_server_limited_to_a_128_MiB_heap() => _scope.RunAsync(async () =>
    {
        var data = _scope.CreateDirectory("data");
        var clock = Stopwatch.StartNew();
        Generate(Path.Combine(data, "artifacts"));
        _scope.Log($"generated 2 x {Rows:N0} rows in {clock.Elapsed.TotalSeconds:F1} s");

        var server = await _scope.StartAsync(PlatformApp.Silo, "embedded", PlatformPorts.Allocate(), ["--data-dir", data],
            new Dictionary<string, string> { ["DOTNET_GCHeapHardLimit"] = HeapLimit, ["Mlops__Features__DuckDbMemoryLimit"] = "256MB" });
        using var channel = server.CreateChannel();
        var api = new Feat.FeatureStoreService.FeatureStoreServiceClient(channel);
        var apply = new Feat.ApplyRequest();
        apply.Files.Add(new Feat.RepositoryFile
        {
            Path = "big.yaml",
            Content = """
                entities:
                  - name: user
                    join_keys: [{name: user_id, type: int64}]
                sources:
                  - name: activity
                    path: artifacts:feature-data/activity/*.parquet
                    timestamp_field: event_timestamp
                    schema:
                      - {name: user_id, type: int64}
                      - {name: score, type: float64}
                      - {name: event_timestamp, type: timestamp}
                feature_views:
                  - name: user_activity
                    entities: [user]
                    source: activity
                    ttl: 30d
                    schema: [{name: score, type: float64}]
                """,
        });
        await api.ApplyAsync(apply);

        clock.Restart();
        var request = new Feat.GetHistoricalFeaturesRequest { EntityDataset = "entities/ten-million.parquet", DatasetName = "ten-million" };
        request.Features.Add("user_activity:score");
        var set = await api.GetHistoricalFeaturesAsync(request, deadline: DateTime.UtcNow.AddMinutes(10));
        _scope.Log($"training set of {set.RowCount:N0} rows ({set.SizeBytes >> 20} MiB) in {clock.Elapsed.TotalSeconds:F1} s");
        Assert.Equal(Rows, set.RowCount);

        Assert.False(server.HasExited, "the server died during the retrieval");
        var peak = PeakResidentMiB(server.Id);
        _scope.Log($"server peak resident memory {peak} MiB");
        Assert.True(peak < 1536, $"the server's peak resident memory was {peak} MiB");

        // Every entity row is there once, in input order, and each found the value its generator placed exactly one hour earlier.
        using var connection = new DuckDBConnection("DataSource=:memory:");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = $"""
            SELECT count(*), count(score), count(*) FILTER (WHERE score = user_id * 0.5),
                   count(*) FILTER (WHERE user_id = file_row_number % 1000000)
            FROM read_parquet('{Path.Combine(data, "artifacts", set.ArtifactKey)}', file_row_number = true)
            """;
        using var reader = command.ExecuteReader();
        Assert.True(reader.Read());
        Assert.Equal(Rows, Convert.ToInt64(reader.GetValue(0), CultureInfo.InvariantCulture));
        Assert.Equal(Rows, Convert.ToInt64(reader.GetValue(1), CultureInfo.InvariantCulture));
        Assert.Equal(Rows, Convert.ToInt64(reader.GetValue(2), CultureInfo.InvariantCulture));
        Assert.Equal(Rows, Convert.ToInt64(reader.GetValue(3), CultureInfo.InvariantCulture));
    });

    /// <summary>
    /// 1,000,000 users; entity row i is user i % 1e6 at day (i / 1e6) noon; each user has one feature row per day at 11:00 whose
    /// score is user_id * 0.5 on the matching day and -1 a day later, so a wrong (future) match shows in the checksum.
    /// </summary>
    private static void Generate(string artifacts)
    {
        Directory.CreateDirectory(Path.Combine(artifacts, "entities"));
        Directory.CreateDirectory(Path.Combine(artifacts, "feature-data", "activity"));
        using var connection = new DuckDBConnection("DataSource=:memory:");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = $"""
            SET TimeZone = 'UTC';
            COPY (SELECT i % 1000000 AS user_id, TIMESTAMP '2025-01-01 12:00:00' + to_days((i // 1000000)::INTEGER) AS event_timestamp
                  FROM range({Rows}) t(i) ORDER BY i)
              TO '{Path.Combine(artifacts, "entities", "ten-million.parquet")}' (FORMAT parquet);
            COPY (SELECT i % 1000000 AS user_id, (i % 1000000) * 0.5 AS score,
                         TIMESTAMP '2025-01-01 11:00:00' + to_days((i // 1000000)::INTEGER) AS event_timestamp
                  FROM range({Rows}) t(i)
                  UNION ALL
                  SELECT i % 1000000, -1.0, TIMESTAMP '2025-01-01 13:00:00' + to_days((i // 1000000)::INTEGER)
                  FROM range({Rows}) t(i))
              TO '{Path.Combine(artifacts, "feature-data", "activity", "part-0.parquet")}' (FORMAT parquet);
            """;
        command.ExecuteNonQuery();
    }

    private static long PeakResidentMiB(int pid)
    {
        var line = File.ReadLines($"/proc/{pid}/status").Single(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
        return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024;
    }
}
