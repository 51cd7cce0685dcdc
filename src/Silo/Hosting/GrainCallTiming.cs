using System.Collections.Concurrent;
using MlOps.Orleans.Contracts.Telemetry;

namespace MlOps.Orleans.Silo.Hosting;

/// <summary>
/// Times every incoming grain call this silo runs into <see cref="Stages.GrainCall"/>, tagged <c>Interface.Method</c>.
/// Registered only when something reads the timings (Mlops:EnableDiagnostics or an exporter: the observability port or OTLP),
/// so a silo with neither does not even pass through this filter.
/// </summary>
internal sealed class GrainCallTiming : IIncomingGrainCallFilter
{
    // One tag string per interface method, built once: a tag made per call would allocate on every grain call.
    private readonly ConcurrentDictionary<(string Interface, string Method), string> _names = new();

    public Task Invoke(IIncomingGrainCallContext context)
    {
        if (!Stages.GrainCall.Enabled) return context.Invoke();
        // Orleans' own grains (timers, stream queues polled every 10 ms) would drown the platform's calls: ours only.
        var name = _names.GetOrAdd((context.InterfaceName, context.MethodName), static k => NameOf(k.Interface, k.Method));
        return name.Length == 0 ? context.Invoke() : TimedAsync(context, Stages.Start(Stages.GrainCall), name);
    }

    private static async Task TimedAsync(IIncomingGrainCallContext context, long start, string name)
    {
        try { await context.Invoke(); }
        finally { Stages.GrainCall.Record(Stages.ElapsedMs(start), new KeyValuePair<string, object?>("grain", name)); }
    }

    /// <summary>"Interface.Method" for the platform's grains, empty for any other.</summary>
    private static string NameOf(string interfaceName, string method) =>
        interfaceName.StartsWith("MlOps.Orleans.", StringComparison.Ordinal) ? $"{ShortName(interfaceName)}.{method}" : "";

    // "MlOps.Orleans.Contracts.Tracking.IRunGrain" (or a generic's "IFoo`1[...]") -> "IRunGrain": short and still unique here.
    private static string ShortName(string interfaceName)
    {
        var generic = interfaceName.IndexOf('`', StringComparison.Ordinal);
        var name = generic < 0 ? interfaceName : interfaceName[..generic];
        return name[(name.LastIndexOf('.') + 1)..];
    }
}
