using System.Diagnostics;
using Feat = MlOps.Orleans.Protos.Features.V1;

namespace MlOps.Orleans.Bench.Features;

/// <summary>
/// The online-get workload's feature repository: <c>views</c> online views of <c>features</c> features each (float64 and int64
/// alternating), all keyed by one int64 entity and fed by one push source, so one request names every view of one key space.
/// Names carry a run suffix, so repeated runs against one server never meet an older version's rows.
/// </summary>
internal sealed class OnlineGetRepository
{
    private readonly string _suffix = Guid.NewGuid().ToString("N")[..8];

    public OnlineGetRepository(int views, int featuresPerView)
    {
        Views = Enumerable.Range(0, views).Select(v => $"ogv{v}_{_suffix}").ToArray();
        FeaturesPerView = featuresPerView;
        References = Enumerable.Range(0, views * featuresPerView).Select(f => $"{Views[f / featuresPerView]}:{FeatureName(f)}").ToArray();
    }

    public string[] Views { get; }

    public int FeaturesPerView { get; }

    /// <summary>"view:feature" for every feature of every view, in view order: what each request asks for.</summary>
    public string[] References { get; }

    public static string JoinKey => "entity_id";

    public string Yaml
    {
        get
        {
            var lines = new List<string>
            {
                "entities:", $"  - name: oge_{_suffix}", $"    join_keys: [{{name: {JoinKey}, type: int64}}]",
                "sources:", $"  - name: ogs_{_suffix}", "    push: true", "    timestamp_field: event_timestamp", "    schema:",
                $"      - {{name: {JoinKey}, type: int64}}", "      - {name: event_timestamp, type: timestamp}",
            };
            lines.AddRange(Enumerable.Range(0, References.Length).Select(f => $"      - {{name: {FeatureName(f)}, type: {TypeName(f)}}}"));
            lines.Add("feature_views:");
            for (var v = 0; v < Views.Length; v++)
            {
                lines.AddRange([$"  - name: {Views[v]}", $"    entities: [oge_{_suffix}]", $"    source: ogs_{_suffix}", "    ttl: 1d", "    online: true", "    schema:"]);
                lines.AddRange(Enumerable.Range(v * FeaturesPerView, FeaturesPerView).Select(f => $"      - {{name: {FeatureName(f)}, type: {TypeName(f)}}}"));
            }
            return string.Join("\n", lines) + "\n";
        }
    }

    public async Task ApplyAsync(Feat.FeatureStoreService.FeatureStoreServiceClient client, CancellationToken ct)
    {
        var request = new Feat.ApplyRequest();
        request.Files.Add(new Feat.RepositoryFile { Path = $"bench/online-get-{_suffix}.yaml", Content = Yaml });
        var plan = await client.ApplyAsync(request, cancellationToken: ct);
        if (plan.Errors.Count > 0) throw new InvalidOperationException($"apply refused: {plan.Errors[0].Object}: {plan.Errors[0].Reason}");
    }

    /// <summary>Writes every entity into every view with WriteToOnlineStore, <paramref name="batch"/> rows per call and
    /// <paramref name="concurrency"/> calls in flight; returns rows/s (the gateway, shard grains and store write path together).</summary>
    public async Task<double> SeedAsync(Feat.FeatureStoreService.FeatureStoreServiceClient client, int entities, int batch, int concurrency, CancellationToken ct)
    {
        // Five minutes old: fresh under the 1 day ttl, and older than anything a later run would write.
        var eventMicros = (DateTime.UtcNow.AddMinutes(-5) - DateTime.UnixEpoch).Ticks / 10;
        var work = Views.Select((_, v) => v).SelectMany(v => Enumerable.Range(0, (entities + batch - 1) / batch).Select(b => (View: v, Start: b * batch))).ToArray();
        var next = -1;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(_ => Task.Run(async () =>
        {
            for (var i = Interlocked.Increment(ref next); i < work.Length; i = Interlocked.Increment(ref next))
            {
                var (view, start) = work[i];
                var rows = Rows(view, start, Math.Min(start + batch, entities), eventMicros);
                var written = await client.WriteToOnlineStoreAsync(new Feat.WriteToOnlineStoreRequest { FeatureView = Views[view], Rows = rows }, cancellationToken: ct);
                if (written.Rows != rows.Columns[0].Values.Count) throw new InvalidOperationException($"wrote {written.Rows} of {rows.Columns[0].Values.Count} rows");
            }
        }, ct)));
        return (double)entities * Views.Length / clock.Elapsed.TotalSeconds;
    }

    public Feat.GetOnlineFeaturesRequest Request(ReadOnlySpan<long> entityIds)
    {
        var keys = new Feat.Column { Name = JoinKey, Type = Feat.ValueType.Int64 };
        foreach (var id in entityIds) keys.Values.Add(new Feat.Value { Int64Val = id });
        var request = new Feat.GetOnlineFeaturesRequest { Entities = new Feat.Frame() };
        request.Entities.Columns.Add(keys);
        request.Features.AddRange(References);
        return request;
    }

    /// <summary>Every feature of every requested entity must come back PRESENT: a benchmark that reads NOT_FOUND measures a miss path.</summary>
    public void Check(Feat.GetOnlineFeaturesResponse response, int entities)
    {
        if (response.Results.Count != References.Length + 1) throw new InvalidOperationException($"{response.Results.Count} columns, expected {References.Length + 1}");
        for (var c = 1; c < response.Results.Count; c++)
        {
            var statuses = response.Results[c].Statuses;
            if (statuses.Count != entities) throw new InvalidOperationException($"column {c} has {statuses.Count} rows, expected {entities}");
            // Indexed, not foreach: a repeated field's enumerator is an allocated iterator, and the driver shares the cores it measures.
            for (var r = 0; r < statuses.Count; r++)
            {
                if (statuses[r] != Feat.FeatureStatus.Present) throw new InvalidOperationException($"column {response.FeatureNames[c]}: {statuses[r]}");
            }
        }
    }

    private Feat.Frame Rows(int view, int start, int end, long eventMicros)
    {
        var frame = new Feat.Frame();
        var key = new Feat.Column { Name = JoinKey, Type = Feat.ValueType.Int64 };
        var timestamp = new Feat.Column { Name = "event_timestamp", Type = Feat.ValueType.Timestamp };
        for (var e = start; e < end; e++)
        {
            key.Values.Add(new Feat.Value { Int64Val = e });
            timestamp.Values.Add(new Feat.Value { TimestampMicrosVal = eventMicros });
        }
        frame.Columns.Add(key);
        frame.Columns.Add(timestamp);
        for (var f = view * FeaturesPerView; f < (view + 1) * FeaturesPerView; f++)
        {
            var column = new Feat.Column { Name = FeatureName(f), Type = IsFloat(f) ? Feat.ValueType.Float64 : Feat.ValueType.Int64 };
            for (var e = start; e < end; e++) column.Values.Add(IsFloat(f) ? new Feat.Value { DoubleVal = e * 0.001 + f } : new Feat.Value { Int64Val = e + f });
            frame.Columns.Add(column);
        }
        return frame;
    }

    private static string FeatureName(int f) => $"f{f}";

    private static bool IsFloat(int f) => f % 2 == 0;

    private static string TypeName(int f) => IsFloat(f) ? "float64" : "int64";
}
