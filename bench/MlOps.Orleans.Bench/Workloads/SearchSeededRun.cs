namespace MlOps.Orleans.Bench.Workloads;

/// <summary>
/// One seeded run as the driver knows it: the id the server gave it and the values the seeder logged (all derived from
/// the run's index), so every search answer can be recomputed by brute force.
/// </summary>
internal sealed record SearchSeededRun(string RunId, int Index, double Rmse, double Acc, double Loss, string Model, string Team)
{
    /// <summary>The <c>model</c> param values, by run index modulo their count.</summary>
    public static readonly string[] Models = ["tree", "linear"];

    /// <summary>The <c>team</c> tag values, by run index modulo their count.</summary>
    public static readonly string[] Teams = ["a", "b", "c"];

    public double Metric(string key) => key switch
    {
        "rmse" => Rmse,
        "acc" => Acc,
        "loss" => Loss,
        _ => throw new ArgumentOutOfRangeException(nameof(key), key, "the seeder logs rmse, acc and loss only"),
    };

    /// <summary>The values run <paramref name="index"/> is seeded with: independent uniforms, loss on a 0.01 grid (many ties).</summary>
    public static SearchSeededRun For(string runId, int index)
    {
        var random = new Random(index);
        var rmse = random.NextDouble();
        var acc = random.NextDouble();
        var loss = Math.Round(random.NextDouble(), 2);
        return new SearchSeededRun(runId, index, rmse, acc, loss, Models[index % Models.Length], Teams[index % Teams.Length]);
    }
}
