using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using MlOps.Orleans.Contracts.Telemetry;

namespace MlOps.Orleans.Gateway.Timing;

/// <summary>
/// Listens to the <see cref="Stages.MeterName"/> meter in this process (only registered with Mlops:EnableDiagnostics) and
/// keeps one <see cref="StageHistogram"/> per instrument and tag set, for <c>GET /debug/stages</c>. Histograms only grow
/// (no reset), so a reader takes two snapshots and subtracts them for a window. A second platform in the same process (tests)
/// shares the static meter, so each listener sees both platforms' measurements.
/// </summary>
public sealed class StageListener : IHostedService, IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly ConcurrentDictionary<StageKey, StageHistogram> _histograms = new();

    public StageListener()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == Stages.MeterName && instrument is Histogram<double>) listener.EnableMeasurementEvents(instrument);
        };
        _listener.SetMeasurementEventCallback<double>(OnMeasurement);
    }

    public DateTimeOffset StartedAt { get; private set; } = DateTimeOffset.UtcNow;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        StartedAt = DateTimeOffset.UtcNow;
        _listener.Start();
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        _listener.Dispose();
        return Task.CompletedTask;
    }

    /// <summary>Every histogram recorded so far, by instrument and tags, ordered for a stable answer.</summary>
    internal IReadOnlyList<(StageKey Key, StageSnapshot Snapshot)> Snapshot() =>
        _histograms.Select(h => (h.Key, h.Value.Snapshot()))
            .OrderBy(h => h.Key.Instrument, StringComparer.Ordinal)
            .ThenBy(h => h.Key.Value1, StringComparer.Ordinal)
            .ThenBy(h => h.Key.Value2, StringComparer.Ordinal)
            .ThenBy(h => h.Key.Value3, StringComparer.Ordinal)
            .ToList();

    private void OnMeasurement(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags, object? state)
    {
        var key = StageKey.Of(instrument.Name, tags);
        if (!_histograms.TryGetValue(key, out var histogram)) histogram = _histograms.GetOrAdd(key, _ => new StageHistogram());
        histogram.Record(value);
    }

    public void Dispose() => _listener.Dispose();
}
