using System.Text.Json.Nodes;

namespace MlOps.Orleans.Bench.Workloads;

/// <summary>
/// Every search answer of a run checked against the brute force (<see cref="SearchOracle"/>), counted, and the first wrong
/// one kept with its query and first differing position: a fast wrong answer is not a result, so any mismatch fails the run.
/// Called from the open loop's completions, hence the lock.
/// </summary>
internal sealed class SearchAnswers
{
    private readonly object _gate = new();
    private long _checked;
    private long _wrong;
    private string? _first;

    public long Checked => Interlocked.Read(ref _checked);

    public long Wrong => Interlocked.Read(ref _wrong);

    public string? First
    {
        get
        {
            lock (_gate) return _first;
        }
    }

    /// <summary>Records one answer; <paramref name="problem"/> is <see cref="SearchOracle.Check"/>'s verdict.</summary>
    /// <param name="query">The request's description (<see cref="SearchQuery.Describe"/>), only formatted on a mismatch.</param>
    public void Record(string phase, string driver, int queryIndex, Func<int, string> query, string? problem)
    {
        Interlocked.Increment(ref _checked);
        if (problem is null) return;
        Interlocked.Increment(ref _wrong);
        lock (_gate) _first ??= $"{phase} {driver} query #{queryIndex} ({query(queryIndex)}): {problem}";
    }

    public JsonObject ToJson() => new() { ["checked"] = Checked, ["wrong"] = Wrong, ["first_wrong"] = First };
}
