using System.Net;

namespace MlOps.Orleans.Hosting.Observability;

/// <summary>
/// <c>Mlops:Observability</c>: where the Prometheus scrape (<c>/metrics</c>) and the Orleans dashboard (<c>/dashboard/</c>)
/// listen, and where traces and metrics are pushed. Neither surface authenticates and the dashboard shows every grain and
/// streams the process log, so they get a port of their own, on loopback unless an operator names one cluster-internal
/// address; the API ports never serve them.
/// </summary>
public sealed class ObservabilityOptions
{
    public const string Section = MlopsOptions.Section + ":Observability";
    /// <summary>The Prometheus exporter's customary port; 0 turns the listener (scrape and dashboard) off.</summary>
    public const int DefaultPort = 9464;
    public const string MetricsPath = "/metrics";
    public const string DashboardPath = "/dashboard";
    public const string SimpleLogs = "simple";
    public const string JsonLogs = "json";

    public int Port { get; set; } = DefaultPort;
    public string Address { get; set; } = "127.0.0.1";
    /// <summary>Lets <see cref="Address"/> be a non-loopback address; meant for one reachable only inside the cluster.</summary>
    public bool AllowClusterAddress { get; set; }
    /// <summary>
    /// The Orleans dashboard on the observability port, off unless asked for. Its grain profiler records only while someone
    /// reads the dashboard, but its incoming call filter (one async frame per grain call) is registered whenever this is
    /// on, and its silo statistics cost an idle silo holding 100,000 runs 0.06 core (docs/benchmarks.md, issue 16).
    /// </summary>
    public bool Dashboard { get; set; }
    /// <summary>
    /// OTLP (gRPC) collector for traces and metrics. Empty: the standard <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is used when set
    /// (with the other <c>OTEL_EXPORTER_OTLP_*</c> variables); with neither, nothing is pushed and no spans are recorded.
    /// </summary>
    public string? OtlpEndpoint { get; set; }
    /// <summary>Console log lines: <c>simple</c> (one line plus its scopes, the trace id among them) or <c>json</c> (one object a line).</summary>
    public string LogFormat { get; set; } = SimpleLogs;

    // Set from OTEL_EXPORTER_OTLP_ENDPOINT by MlopsOptions (it lives outside this section).
    internal bool OtlpFromEnvironment { get; set; }

    public bool Listens => Port != 0;

    /// <summary>Whether traces and metrics are pushed to a collector.</summary>
    public bool Exports => !string.IsNullOrWhiteSpace(OtlpEndpoint) || OtlpFromEnvironment;

    /// <summary>Whether any exporter reads the meters: then the stage timings are worth recording in every process.</summary>
    public bool CollectsMetrics => Listens || Exports;

    public bool ServesDashboard => Listens && Dashboard;

    public bool IsLoopback => IPAddress.TryParse(Address, out var ip) && IPAddress.IsLoopback(ip);

    /// <summary>Every problem with these settings, given the process's other ports (which this one must not take).</summary>
    public IEnumerable<string> Validate(IReadOnlyList<(string Name, int Port)> otherPorts)
    {
        if (Port is < 0 or > 65535) yield return $"{Section}:Port must be 0 (off) or between 1 and 65535, not {Port}";
        foreach (var (name, port) in otherPorts)
            if (Port != 0 && Port == port) yield return $"{Section}:Port {Port} is also Mlops:{name}: the observability surfaces need a port of their own";
        if (!IPAddress.TryParse(Address, out var ip))
        {
            yield return $"{Section}:Address '{Address}' is not an IP address";
        }
        else if (ip.Equals(IPAddress.Any) || ip.Equals(IPAddress.IPv6Any))
        {
            yield return $"{Section}:Address {Address} listens on every interface; /metrics and the Orleans dashboard stay on loopback " +
                $"or on one cluster-internal address (set that address and {Section}:AllowClusterAddress=true)";
        }
        else if (!IPAddress.IsLoopback(ip) && !AllowClusterAddress)
        {
            yield return $"{Section}:Address {Address} is not a loopback address, and /metrics and the Orleans dashboard have no " +
                "authentication (the dashboard shows every grain and streams the process log). Bind 127.0.0.1, or set " +
                $"{Section}:AllowClusterAddress=true if {Address} is reachable only inside the cluster";
        }
        if (!string.IsNullOrWhiteSpace(OtlpEndpoint) &&
            !(Uri.TryCreate(OtlpEndpoint, UriKind.Absolute, out var otlp) && otlp.Scheme is "http" or "https"))
            yield return $"{Section}:OtlpEndpoint '{OtlpEndpoint}' is not an http(s) URI (e.g. http://collector:4317)";
        if (LogFormat is not (SimpleLogs or JsonLogs)) yield return $"{Section}:LogFormat must be '{SimpleLogs}' or '{JsonLogs}', not '{LogFormat}'";
    }
}
