using System.Diagnostics;

namespace MlOps.Orleans.Bench.Measure;

/// <summary>The processes a figure belongs to: the server, and the PostgreSQL postmaster whose children serve it (if any).</summary>
/// <param name="AlsoServer">More processes of the server, charged to it: the silos behind a standalone gateway
/// (<c>--server-pid GATEWAY,SILO</c>), whose CPU is the request's as much as the gateway's.</param>
internal sealed record MeasuredProcesses(Process? Server, int? Postmaster, IReadOnlyList<Process>? AlsoServer = null);
