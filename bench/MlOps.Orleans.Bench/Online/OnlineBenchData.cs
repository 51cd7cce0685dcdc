extern alias platform;

using platform::MlOps.Orleans.Contracts.Features;
using platform::MlOps.Orleans.Contracts.Features.Online;
using platform::MlOps.Orleans.Features.Online.Store;

namespace MlOps.Orleans.Bench.Online;

/// <summary>The benchmark's data: views of float64 features over one int64 entity key space, every entity in every view.</summary>
internal sealed class OnlineBenchData
{
    public OnlineBenchData(int views, int features, int entities, TimeSpan? ttl)
    {
        Features = features;
        var run = Guid.NewGuid().ToString("N")[..6];
        Views = Enumerable.Range(0, views).Select(v => new OnlineViewLayout(new OnlineViewKey($"bench_{run}_v{v}", 1), "driver",
            Enumerable.Range(0, features).Select(f => new FieldSpec($"f{f}", FeatureValueType.Float64)).ToList(), ttl)).ToList();
        Keys = Enumerable.Range(0, entities).Select(i => EntityKeys.Encode((long)i)).ToArray();
    }

    public IReadOnlyList<OnlineViewLayout> Views { get; }

    public string[] Keys { get; }

    public int Features { get; }

    public OnlineRow Row(int entity, DateTime eventTs)
    {
        var values = new object?[Features];
        for (var f = 0; f < values.Length; f++) values[f] = entity * 0.001 + f;
        return new OnlineRow(eventTs, null, values);
    }

    /// <summary>Every entity of every view in batches of <paramref name="batch"/> rows, <paramref name="concurrency"/> batches in flight,
    /// as a materialization job writing through would; building the rows is part of the measured cost.</summary>
    public async Task<long> WriteAllAsync(IOnlineStore store, DateTime eventTs, int batch, int concurrency, CancellationToken ct)
    {
        var work = Views.SelectMany(v => Enumerable.Range(0, (Keys.Length + batch - 1) / batch).Select(b => (View: v, Start: b * batch))).ToArray();
        var next = -1;
        long applied = 0;
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(_ => Task.Run(async () =>
        {
            for (var i = Interlocked.Increment(ref next); i < work.Length; i = Interlocked.Increment(ref next))
            {
                var (view, start) = work[i];
                var end = Math.Min(start + batch, Keys.Length);
                var rows = new List<KeyValuePair<string, OnlineRow>>(end - start);
                for (var k = start; k < end; k++) rows.Add(new(Keys[k], Row(k, eventTs)));
                Interlocked.Add(ref applied, await store.WriteAsync(view, rows, ct));
            }
        }, ct)));
        return applied;
    }
}
