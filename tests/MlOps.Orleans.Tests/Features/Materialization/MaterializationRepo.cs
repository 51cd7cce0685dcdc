using System.Globalization;
using DuckDB.NET.Data;
using MlOps.Orleans.Artifacts;

namespace MlOps.Orleans.Tests.Features.Materialization;

/// <summary>The feature repository of one materialization test, names unique per test; its source data is written with DuckDB.</summary>
public sealed class MaterializationRepo(string suffix)
{
    public string Driver => $"mdriver_{suffix}";
    public string Trips => $"mtrips_{suffix}";
    public string Push => $"mpush_{suffix}";
    public string Stats => $"mstats_{suffix}";
    public string Offline => $"moffline_{suffix}";
    public string Doubled => $"mdoubled_{suffix}";
    public string Rating => $"mrating_{suffix}";
    public string DataFolder => $"feature-data/mat-{suffix}/trips";

    public static MaterializationRepo New() => new(Guid.NewGuid().ToString("N")[..10]);

    public string Yaml(string ttl = "30d") => $$"""
        entities:
          - name: {{Driver}}
            join_keys: [{name: driver_id, type: int64}]
        sources:
          - name: {{Trips}}
            path: artifacts:{{DataFolder}}/*.parquet
            timestamp_field: event_timestamp
            created_timestamp_field: created
            schema:
              - {name: driver_id, type: int64}
              - {name: conv_rate, type: float64}
              - {name: trips, type: int64}
              - {name: event_timestamp, type: timestamp}
              - {name: created, type: timestamp}
          - name: {{Push}}
            push: true
            timestamp_field: event_timestamp
            schema:
              - {name: driver_id, type: int64}
              - {name: rating, type: float64}
              - {name: event_timestamp, type: timestamp}
        feature_views:
          - name: {{Stats}}
            entities: [{{Driver}}]
            source: {{Trips}}
            ttl: {{ttl}}
            schema:
              - {name: conv_rate, type: float64}
              - {name: trips, type: int64}
          - name: {{Offline}}
            entities: [{{Driver}}]
            source: {{Trips}}
            online: false
            schema:
              - {name: trips, type: int64}
          - name: {{Doubled}}
            entities: [{{Driver}}]
            sources: [{{Trips}}]
            sql: "SELECT driver_id, conv_rate * 2 AS doubled, event_timestamp, created FROM {{Trips}}"
            timestamp_field: event_timestamp
            created_timestamp_field: created
            schema:
              - {name: doubled, type: float64}
          - name: {{Rating}}
            entities: [{{Driver}}]
            source: {{Push}}
            schema:
              - {name: rating, type: float64}
        """;

    /// <summary>Writes one trips file from literal rows <c>(driver, conv_rate, trips, event, created)</c>.</summary>
    public async Task WriteTripsAsync(IArtifactStore store, string file, params (long Driver, double Rate, long Trips, DateTime Event, DateTime? Created)[] rows)
    {
        var values = rows.Select(r => string.Create(CultureInfo.InvariantCulture,
            $"({r.Driver}::BIGINT, {r.Rate:R}::DOUBLE, {r.Trips}::BIGINT, {Ts(r.Event)}, {(r.Created is { } c ? Ts(c) : "NULL::TIMESTAMP")})"));
        await CopyAsync(store, file, $"SELECT * FROM (VALUES {string.Join(", ", values)}) AS t(driver_id, conv_rate, trips, event_timestamp, created)");
    }

    /// <summary>Writes <paramref name="keys"/> drivers, one row each, all at <paramref name="at"/>: a job big enough to watch run.</summary>
    public Task WriteManyTripsAsync(IArtifactStore store, string file, long keys, DateTime at) => CopyAsync(store, file,
        $"SELECT i::BIGINT AS driver_id, (i % 100) / 100.0 AS conv_rate, i::BIGINT AS trips, {Ts(at)} AS event_timestamp, {Ts(at)} AS created FROM range({keys}) t(i)");

    private async Task CopyAsync(IArtifactStore store, string file, string select)
    {
        var local = Path.Combine(Path.GetTempPath(), $"mat-{Guid.NewGuid():N}.parquet");
        try
        {
            using (var connection = new DuckDBConnection("DataSource=:memory:"))
            {
                connection.Open();
                using var command = connection.CreateCommand();
                command.CommandText = $"COPY ({select}) TO '{local}' (FORMAT parquet)";
                command.ExecuteNonQuery();
            }
            await using var content = File.OpenRead(local);
            await store.WriteAsync($"{DataFolder}/{file}", content);
        }
        finally
        {
            File.Delete(local);
        }
    }

    private static string Ts(DateTime t) => $"TIMESTAMP '{t:yyyy-MM-dd HH:mm:ss.ffffff}'";
}
