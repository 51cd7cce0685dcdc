using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace MlOps.Orleans.Contracts.Telemetry;

/// <summary>
/// The platform's meter and its stage timings, in milliseconds: where a request's time goes, from the handler down to the
/// commit. It lives in the lowest project every other one references, so each layer records into the same instruments.
/// Nothing is aggregated unless a listener enables an instrument (the server's <c>/debug/stages</c> with
/// <c>Mlops:EnableDiagnostics</c>, or the OpenTelemetry meter provider of <c>Hosting/Observability</c>): until then <c>Instrument.Enabled</c> is
/// false and a recording point costs one field read, which is why every caller checks it before taking a timestamp.
/// </summary>
public static class Stages
{
    public const string MeterName = "MlOps.Orleans";
    /// <summary>Every stage instrument's name starts with this; the rest is the stage's name.</summary>
    public const string InstrumentPrefix = "mlops.stage.";
    public const string Unit = "ms";

    public static readonly Meter Meter = new(MeterName);

    /// <summary>
    /// Bucket bounds an exporter uses for the stage histograms (ms): OpenTelemetry's default starts at 5 ms, which puts a
    /// whole sub-millisecond online read or commit in its first bucket. <c>/debug/stages</c> keeps its own finer layout.
    /// Declared before the instruments: static fields initialize in order.
    /// </summary>
    public static readonly IReadOnlyList<double> ExportBucketsMs =
        [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 30000];

    /// <summary>A gRPC call (tags protocol=grpc, route, outcome) or an HTTP request (protocol, method, route template).</summary>
    public static readonly Histogram<double> Handler = Create("handler", "Time in a gRPC or HTTP handler, error mapping included");

    /// <summary>A grain call as the target silo runs it (tag grain = Interface.Method), queueing on the grain excluded.</summary>
    public static readonly Histogram<double> GrainCall = Create("grain_call", "Time a silo spends running one incoming grain call");

    /// <summary>A catalog store operation (tags backend, kind = read|write, operation = the store method).</summary>
    public static readonly Histogram<double> Store = Create("store", "Time of one catalog store operation, a write's queueing and commit included");

    /// <summary>One catalog commit (tag backend): a SQLite group commit or a PostgreSQL transaction commit.</summary>
    public static readonly Histogram<double> Commit = Create("commit", "Time of one durable catalog commit");

    /// <summary>One online shard read (tag path = local | call | memory | read_through | store).</summary>
    public static readonly Histogram<double> OnlineShardRead = Create("online_shard_read", "Time of one online shard read, by the path it took");

    /// <summary>A timestamp to measure from, or 0 when <paramref name="instrument"/> has no listener (then nothing is recorded).</summary>
    public static long Start(Histogram<double> instrument) => instrument.Enabled ? Stopwatch.GetTimestamp() : 0;

    /// <summary>Milliseconds since <paramref name="start"/>, a <see cref="Stopwatch.GetTimestamp"/> value.</summary>
    public static double ElapsedMs(long start) => (Stopwatch.GetTimestamp() - start) * 1000.0 / Stopwatch.Frequency;

    /// <summary>The stage an instrument of this meter times (its name without <see cref="InstrumentPrefix"/>).</summary>
    public static string StageOf(string instrumentName) =>
        instrumentName.StartsWith(InstrumentPrefix, StringComparison.Ordinal) ? instrumentName[InstrumentPrefix.Length..] : instrumentName;

    private static Histogram<double> Create(string stage, string description) =>
        Meter.CreateHistogram(InstrumentPrefix + stage, Unit, description, tags: null,
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = ExportBucketsMs });
}
