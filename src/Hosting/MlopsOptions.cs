using System.Net;
using Microsoft.Extensions.Configuration;
using MlOps.Orleans.Hosting.Exposure;
using MlOps.Orleans.Hosting.Observability;
using MlOps.Orleans.Hosting.Settings;

namespace MlOps.Orleans.Hosting;

/// <summary>The platform's own settings, under <c>Mlops</c> (the <c>Orleans</c> section belongs to Orleans).</summary>
public sealed class MlopsOptions
{
    public const string Section = "Mlops";
    public const string EmbeddedMode = "Embedded";
    public const string ClusterMode = "Cluster";

    /// <summary>Embedded: one process, SQLite under <see cref="DataDir"/>. Cluster: silos and gateways sharing <see cref="Postgres"/>.</summary>
    public string Mode { get; set; } = EmbeddedMode;
    public string DataDir { get; set; } = "./data";
    public string BindAddress { get; set; } = "127.0.0.1";
    public int HttpPort { get; set; } = 5000;
    public int GrpcPort { get; set; } = 5001;
    /// <summary>Npgsql connection string for Orleans clustering, grain state and the catalog (cluster mode).</summary>
    public string? Postgres { get; set; }
    public string ClusterId { get; set; } = "mlops";
    public string ServiceId { get; set; } = "mlops";
    public int SiloPort { get; set; } = 11111;
    public int OrleansGatewayPort { get; set; } = 30000;
    /// <summary>Address other silos reach this one on; defaults to <see cref="BindAddress"/>.</summary>
    public string? AdvertisedAddress { get; set; }
    /// <summary>
    /// Where experiments created without an artifact_location keep their artifacts (MLflow's <c>--default-artifact-root</c>):
    /// unset, this server's store behind the artifact proxy. Another root (<c>s3://bucket/mlflow</c>) is one clients write to
    /// directly; the server records it and never touches it. Applies to experiments created after it is set.
    /// </summary>
    public string? DefaultArtifactRoot { get; set; }
    /// <summary>
    /// An MLflow deployments server (AI gateway) that MLflow's <c>gateway-proxy</c> route forwards to, as MLflow's
    /// <c>MLFLOW_DEPLOYMENTS_TARGET</c> (read too when this is unset). Unset, the route answers an empty gateway.
    /// </summary>
    public string? DeploymentsTarget { get; set; }
    /// <summary>Whether a silo also serves the gRPC/REST endpoints (always true when embedded).</summary>
    public bool ServeEndpoints { get; set; } = true;

    /// <summary>
    /// This process's PostgreSQL connections in all (<c>Mlops:Postgres:MaxConnections</c>, default 20), split between the
    /// catalog and Orleans by <see cref="PostgresPools"/>. Budget: silos × this + gateways × its Orleans share ≤ the server's
    /// max_connections − 10 (README).
    /// </summary>
    public int PostgresMaxConnections { get; set; } = PostgresPools.DefaultMaxConnections;
    private string? _postgresMaxConnectionsText;
    // Kestrel:Endpoints and Orleans:Endpoints live outside this section but would add listeners; read with the nested keys, refused in Validate.
    private IReadOnlyList<string> _listenerSections = [];

    /// <summary>
    /// No authentication exists yet, so every surface (MLflow REST, Feast HTTP, gRPC, Orleans ports) answers anyone who can
    /// reach it. A process refuses a non-loopback <see cref="BindAddress"/> or <see cref="AdvertisedAddress"/> unless this is
    /// set, and then logs each exposed surface at start.
    /// </summary>
    public bool AllowUnauthenticated { get; set; }
    /// <summary>Serves <c>/debug/...</c> (where a grain lives); off by default, tests and operators turn it on.</summary>
    public bool EnableDiagnostics { get; set; }
    /// <summary>The metrics scrape, the Orleans dashboard, OTLP export and log format (<c>Mlops:Observability:*</c>).</summary>
    public ObservabilityOptions Observability { get; set; } = new();

    /// <summary>
    /// A silo checks at start whether its backends make acknowledged writes survive a power loss (PostgreSQL <c>fsync</c>,
    /// <c>synchronous_commit</c>; Redis <c>appendonly</c>, <c>appendfsync</c>; SQLite <c>journal_mode</c>, <c>synchronous</c>)
    /// and logs a warning for each setting that does not. When true it refuses to start instead, and a setting the backend
    /// will not reveal counts as not durable.
    /// </summary>
    public bool RequireDurableBackends { get; set; }
    /// <summary>
    /// Kestrel socket I/O queues. 0 (the default here) hands socket I/O straight to the thread pool: on a 2-core machine it
    /// cut 1-entity online p99 from 1.01–1.18 to 0.94–0.96 ms (docs/benchmarks.md). Kestrel's own default,
    /// min(cores, 16), batches I/O for throughput on many cores.
    /// </summary>
    public int IOQueueCount { get; set; }
    /// <summary>
    /// Runs Kestrel's transport and application continuations on the socket's I/O thread instead of the thread pool
    /// (Kestrel's UnsafePreferInlineScheduling): fewer thread hand-offs per call, but a handler that blocks stalls every
    /// connection on that thread. Off by default.
    /// </summary>
    public bool InlineScheduling { get; set; }

    public bool IsCluster => string.Equals(Mode, ClusterMode, StringComparison.OrdinalIgnoreCase);

    /// <summary>The connection string for the catalog's pool (cluster mode).</summary>
    public string CatalogPostgres => PostgresPools.Sized(Postgres!, PostgresPools.CatalogShare(PostgresMaxConnections), "mlops-catalog");

    /// <summary>The connection string for Orleans' ADO.NET providers (cluster mode).</summary>
    public string OrleansPostgres => PostgresPools.Sized(Postgres!, PostgresPools.OrleansShare(PostgresMaxConnections), "mlops-orleans");

    /// <summary>Addresses this process listens on that other machines can reach (empty when everything is on loopback).</summary>
    public IReadOnlyList<string> NonLoopbackAddresses() =>
        new[] { BindAddress, AdvertisedAddress }
            .Where(a => a is not null && IPAddress.TryParse(a, out var ip) && !IPAddress.IsLoopback(ip))
            .Select(a => a!).Distinct().ToList();

    /// <summary>Binds <see cref="Section"/> through <paramref name="settings"/>, nested keys included; the one way both processes read it.</summary>
    public static MlopsOptions Bind(SettingsBinder settings) =>
        settings.Bind<MlopsOptions>(Section, o => o.Validate(), o => o.ReadNested(settings.Configuration));

    // Mlops:Postgres holds the connection string, so its MaxConnections child cannot bind onto a property of its own.
    private void ReadNested(IConfiguration configuration)
    {
        _postgresMaxConnectionsText = configuration[PostgresPools.MaxConnectionsKey];
        if (PostgresPools.Parse(_postgresMaxConnectionsText) is { } n) PostgresMaxConnections = n;
        _listenerSections = ListenerSections.Configured(configuration);
        Observability.OtlpFromEnvironment = !string.IsNullOrWhiteSpace(configuration[OtlpEndpointVariable]);
        if (string.IsNullOrWhiteSpace(DeploymentsTarget) && configuration[DeploymentsTargetVariable] is { Length: > 0 } target) DeploymentsTarget = target;
    }

    /// <summary>MLflow's own variable for the deployments server.</summary>
    public const string DeploymentsTargetVariable = "MLFLOW_DEPLOYMENTS_TARGET";

    /// <summary>The standard OpenTelemetry variable; the exporter reads it (and its siblings) itself.</summary>
    public const string OtlpEndpointVariable = "OTEL_EXPORTER_OTLP_ENDPOINT";

    /// <summary>Whether stage timings (handler, grain call) are recorded: for <c>/debug/stages</c> or for an exporter.</summary>
    public bool TimesStages => EnableDiagnostics || Observability.CollectsMetrics;

    /// <summary>Binds and validates; throws with every problem named, so a bad deployment fails at start, not at first use.</summary>
    public static MlopsOptions Load(IConfiguration configuration)
    {
        var settings = new SettingsBinder(configuration);
        var options = Bind(settings);
        settings.ThrowIfInvalid();
        return options;
    }

    public List<string> Validate()
    {
        var errors = new List<string>();
        if (!string.Equals(Mode, EmbeddedMode, StringComparison.OrdinalIgnoreCase) && !IsCluster)
            errors.Add($"Mlops:Mode must be '{EmbeddedMode}' or '{ClusterMode}', not '{Mode}'");
        if (IsCluster && string.IsNullOrWhiteSpace(Postgres))
            errors.Add("Mlops:Postgres (an Npgsql connection string; env MLOPS__POSTGRES) is required when Mlops:Mode is Cluster");
        if (!IsCluster && string.IsNullOrWhiteSpace(DataDir)) errors.Add("Mlops:DataDir must not be empty");
        if (!IPAddress.TryParse(BindAddress, out _)) errors.Add($"Mlops:BindAddress '{BindAddress}' is not an IP address");
        if (AdvertisedAddress is not null && !IPAddress.TryParse(AdvertisedAddress, out _))
            errors.Add($"Mlops:AdvertisedAddress '{AdvertisedAddress}' is not an IP address");
        foreach (var (name, port) in new[] { ("HttpPort", HttpPort), ("GrpcPort", GrpcPort), ("SiloPort", SiloPort), ("OrleansGatewayPort", OrleansGatewayPort) })
            if (port is < 1 or > 65535) errors.Add($"Mlops:{name} must be between 1 and 65535, not {port}");
        if (Contracts.Tracking.ExperimentLocations.Problem(DefaultArtifactRoot) is { } root) errors.Add($"Mlops:DefaultArtifactRoot {root}");
        if (!string.IsNullOrEmpty(DeploymentsTarget) && !(Uri.TryCreate(DeploymentsTarget, UriKind.Absolute, out var target) && target.Scheme is "http" or "https"))
            errors.Add($"Mlops:DeploymentsTarget (or {DeploymentsTargetVariable}) '{DeploymentsTarget}' is not an absolute http or https URL");
        if (IOQueueCount < 0) errors.Add($"Mlops:IOQueueCount must be 0 or more, not {IOQueueCount}");
        if (PostgresMaxConnections is < PostgresPools.MinMaxConnections or > PostgresPools.MaxMaxConnections)
            errors.Add($"{PostgresPools.MaxConnectionsKey} must be a whole number from {PostgresPools.MinMaxConnections} to {PostgresPools.MaxMaxConnections}, " +
                $"not '{_postgresMaxConnectionsText ?? PostgresMaxConnections.ToString(System.Globalization.CultureInfo.InvariantCulture)}'");
        if (!AllowUnauthenticated && NonLoopbackAddresses() is { Count: > 0 } exposed)
            errors.Add($"Mlops:BindAddress/AdvertisedAddress {string.Join(", ", exposed)} is not a loopback address, and nothing authenticates callers yet: " +
                "every API would answer anyone who can reach it. Bind 127.0.0.1, or set Mlops:AllowUnauthenticated=true on a network you trust");
        if (ListenerSections.Problem(_listenerSections) is { } listeners) errors.Add(listeners);
        errors.AddRange(Observability.Validate([("HttpPort", HttpPort), ("GrpcPort", GrpcPort), ("SiloPort", SiloPort), ("OrleansGatewayPort", OrleansGatewayPort)]));
        if (HttpPort == GrpcPort) errors.Add("Mlops:HttpPort and Mlops:GrpcPort must differ: cleartext gRPC needs its own HTTP/2-only port");
        return errors;
    }

    /// <summary>Short command-line switches mapped onto <c>Mlops:*</c> keys.</summary>
    public static readonly Dictionary<string, string> CommandLineSwitches = new(StringComparer.Ordinal)
    {
        ["--data-dir"] = "Mlops:DataDir",
        ["--http-port"] = "Mlops:HttpPort",
        ["--grpc-port"] = "Mlops:GrpcPort",
        ["--mode"] = "Mlops:Mode",
        ["--postgres"] = "Mlops:Postgres",
        ["--silo-port"] = "Mlops:SiloPort",
        ["--gateway-port"] = "Mlops:OrleansGatewayPort",
        ["--redis"] = "Mlops:Online:Redis",
        ["--observability-port"] = "Mlops:Observability:Port",
        ["--default-artifact-root"] = "Mlops:DefaultArtifactRoot",
    };
}
