using System.Collections.Concurrent;
using MlOps.Orleans.Contracts.Telemetry;

namespace MlOps.Orleans.Silo.Hosting;

/// <summary>
/// Times every incoming grain call this silo runs into <see cref="Stages.GrainCall"/>, tagged <c>Interface.Method</c>.
/// Registered only with Mlops:EnableDiagnostics, so a silo without it does not even pass through this filter.
/// </summary>
internal sealed class GrainCallTiming : IIncomingGrainCallFilter
{
    // One tag string per interface method, built once: a tag made per call would allocate on every grain call.
    private readonly ConcurrentDictionary<(string Interface, string Method), string> _names = new();

    public Task Invoke(IIncomingGrainCallContext context)
    {
        var start = Stages.Start(Stages.GrainCall);
        return start == 0 ? context.Invoke() : TimedAsync(context, start);
    }

    private async Task TimedAsync(IIncomingGrainCallContext context, long start)
    {
        try { await context.Invoke(); }
        finally
        {
            var name = _names.GetOrAdd((context.InterfaceName, context.MethodName), static k => $"{ShortName(k.Interface)}.{k.Method}");
            Stages.GrainCall.Record(Stages.ElapsedMs(start), new KeyValuePair<string, object?>("grain", name));
        }
    }

    // "MlOps.Orleans.Contracts.Tracking.IRunGrain" (or a generic's "IFoo`1[...]") -> "IRunGrain": short and still unique here.
    private static string ShortName(string interfaceName)
    {
        var generic = interfaceName.IndexOf('`', StringComparison.Ordinal);
        var name = generic < 0 ? interfaceName : interfaceName[..generic];
        return name[(name.LastIndexOf('.') + 1)..];
    }
}
