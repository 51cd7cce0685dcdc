using System.Diagnostics;

namespace MlOps.Orleans.Bench.Measure;

/// <summary>The processes a figure belongs to: the server, and the PostgreSQL postmaster whose children serve it (if any).</summary>
internal sealed record MeasuredProcesses(Process? Server, int? Postmaster);
