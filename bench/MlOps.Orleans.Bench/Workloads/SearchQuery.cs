using System.Globalization;

namespace MlOps.Orleans.Bench.Workloads;

/// <summary>
/// A search the driver can answer itself: the filter and order sent to the server, and the same conditions as code.
/// Thresholds are kept as the text sent and parsed back with <see cref="double.Parse(string, IFormatProvider)"/>, so the
/// brute force compares against exactly the double the server parses.
/// </summary>
/// <param name="Conditions">Metric conditions: key, comparator (<c>&lt;</c>, <c>&lt;=</c>, <c>&gt;</c>, <c>&gt;=</c>), threshold text.</param>
/// <param name="Model">A <c>params.model = '...'</c> clause, or null.</param>
/// <param name="Team">A <c>tags.team = '...'</c> clause, or null.</param>
internal sealed record SearchQuery(string Template, IReadOnlyList<(string Key, string Op, string Threshold)> Conditions, string? Model, string? Team,
    string OrderKey, bool Ascending, int MaxResults)
{
    public string Filter => string.Join(" AND ", Conditions.Select(c => $"metrics.{c.Key} {c.Op} {c.Threshold}")
        .Concat(Model is null ? [] : [$"params.model = '{Model}'"]).Concat(Team is null ? [] : [$"tags.team = '{Team}'"]));

    public string OrderBy => $"metrics.{OrderKey} {(Ascending ? "ASC" : "DESC")}";

    public bool Matches(SearchSeededRun run) =>
        (Model is null || run.Model == Model) && (Team is null || run.Team == Team) &&
        Conditions.All(c => Compare(run.Metric(c.Key), c.Op, double.Parse(c.Threshold, CultureInfo.InvariantCulture)));

    private static bool Compare(double value, string op, double threshold) => op switch
    {
        "<" => value < threshold,
        "<=" => value <= threshold,
        ">" => value > threshold,
        ">=" => value >= threshold,
        _ => throw new ArgumentOutOfRangeException(nameof(op), op, "not a comparator"),
    };

    /// <summary>The run's query set: <paramref name="count"/> queries drawn from one generator seeded with
    /// <paramref name="seed"/> (<c>--query-seed</c>), so every round, backend and build answers the same queries.</summary>
    public static IReadOnlyList<SearchQuery> Generate(int seed, int count, int maxResults)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count).Select(_ => Random(random, maxResults)).ToList();
    }

    /// <summary>"template: filter, order" for progress lines and failure messages.</summary>
    public string Describe() => $"{Template}: filter \"{Filter}\" order [{OrderBy}] max {MaxResults}";

    /// <summary>
    /// A random query from the seeded generator: the filter and the order are on different metrics (and one template
    /// orders by the tied <c>loss</c>, so the tie-break decides the page). Thresholds are drawn so pages stay full on
    /// large experiments: acc &gt; x with x in [0.05, 0.9), rmse &lt; y with y in [0.2, 0.95), loss &lt;= z on its grid.
    /// </summary>
    public static SearchQuery Random(Random random, int maxResults)
    {
        string T(double v) => v.ToString("0.####", CultureInfo.InvariantCulture);
        var acc = T(0.05 + random.NextDouble() * 0.85);
        var rmse = T(0.2 + random.NextDouble() * 0.75);
        var loss = T(Math.Round(0.2 + random.NextDouble() * 0.75, 2));
        return random.Next(4) switch
        {
            0 => new SearchQuery("acc_gt_by_rmse_asc", [("acc", ">", acc)], null, null, "rmse", true, maxResults),
            1 => new SearchQuery("acc_gt_rmse_lt_by_loss_desc", [("acc", ">", acc), ("rmse", "<", rmse)], null, null, "loss", false, maxResults),
            2 => new SearchQuery("loss_le_param_by_acc_desc", [("loss", "<=", loss)], SearchSeededRun.Models[random.Next(SearchSeededRun.Models.Length)], null,
                "acc", false, maxResults),
            _ => new SearchQuery("rmse_lt_tag_by_loss_asc", [("rmse", "<", rmse)], null, SearchSeededRun.Teams[random.Next(SearchSeededRun.Teams.Length)],
                "loss", true, maxResults),
        };
    }
}
