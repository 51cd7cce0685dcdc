using System.Diagnostics;

namespace MlOps.Orleans.Contracts.Telemetry;

/// <summary>
/// The platform's own spans (catalog reads and writes), beside ASP.NET Core's request spans and Orleans' grain call spans.
/// Only an OpenTelemetry tracer provider listens (with an OTLP endpoint configured); without one
/// <see cref="ActivitySource.HasListeners"/> is false and callers skip the span entirely.
/// </summary>
public static class Traces
{
    public const string SourceName = "MlOps.Orleans";

    public static readonly ActivitySource Source = new(SourceName);
}
