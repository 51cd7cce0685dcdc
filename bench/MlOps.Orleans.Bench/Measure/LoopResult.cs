namespace MlOps.Orleans.Bench.Measure;

/// <summary>Values acknowledged over the whole window, including the calls still in flight at its end.</summary>
internal sealed record LoopResult(long Values, TimeSpan Elapsed, Summary CallLatency, ErrorLog Errors)
{
    public double ValuesPerSecond => Values / Elapsed.TotalSeconds;
}
