using MlOps.Orleans.Bench.Workloads;
using MlOps.Orleans.Tests.Infrastructure;

namespace MlOps.Orleans.Tests.Bench;

/// <summary>
/// The brute force every search answer is checked against (issue 15): filter boundaries as the server's comparators,
/// both orders, ties broken by run id ascending whatever the order's direction, the page cut at max_results.
/// </summary>
[Trait("Category", Category.Unit)]
public sealed class SearchOracleTests
{
    private static SearchSeededRun Run(string id, double rmse, double acc, double loss, string model = "tree", string team = "a") =>
        new(id, 0, rmse, acc, loss, model, team);

    private static SearchQuery Query(string key, string op, string threshold, string orderKey, bool ascending, int max = 100,
        string? model = null, string? team = null) =>
        new("test", [(key, op, threshold)], model, team, orderKey, ascending, max);

    [Theory]
    [InlineData(">", new[] { "r3" })]
    [InlineData(">=", new[] { "r2", "r3" })]
    [InlineData("<", new[] { "r1" })]
    [InlineData("<=", new[] { "r1", "r2" })]
    public void A_threshold_equal_to_a_value_is_in_or_out_as_its_comparator_says(string op, string[] expected)
    {
        var runs = new[] { Run("r1", 0.1, 0.25, 0), Run("r2", 0.2, 0.5, 0), Run("r3", 0.3, 0.75, 0) };

        var answer = SearchOracle.Expected(runs, Query("acc", op, "0.5", "rmse", ascending: true));

        Assert.Equal(expected, answer);
    }

    [Fact]
    public void The_order_is_on_its_own_metric_not_the_filtered_one()
    {
        // acc rises while rmse falls: ordering by rmse ascending reverses the acc order.
        var runs = new[] { Run("a", 0.9, 0.6, 0), Run("b", 0.5, 0.7, 0), Run("c", 0.1, 0.8, 0), Run("d", 0.0, 0.1, 0) };

        Assert.Equal(["c", "b", "a"], SearchOracle.Expected(runs, Query("acc", ">", "0.5", "rmse", ascending: true)));
        Assert.Equal(["a", "b", "c"], SearchOracle.Expected(runs, Query("acc", ">", "0.5", "rmse", ascending: false)));
    }

    [Fact]
    public void Ties_are_broken_by_run_id_ascending_in_both_directions()
    {
        var runs = new[] { Run("r9", 0.1, 0.9, 0.5), Run("r1", 0.1, 0.9, 0.5), Run("r5", 0.1, 0.9, 0.7), Run("r3", 0.1, 0.9, 0.5) };

        Assert.Equal(["r1", "r3", "r9", "r5"], SearchOracle.Expected(runs, Query("acc", ">", "0", "loss", ascending: true)));
        Assert.Equal(["r5", "r1", "r3", "r9"], SearchOracle.Expected(runs, Query("acc", ">", "0", "loss", ascending: false)));
    }

    [Fact]
    public void Run_ids_compare_ordinally_as_the_database_does()
    {
        // Culture-aware comparison would put "a" before "B"; byte order puts upper case first.
        var runs = new[] { Run("a1", 0.1, 0.9, 0.5), Run("B1", 0.1, 0.9, 0.5) };

        Assert.Equal(["B1", "a1"], SearchOracle.Expected(runs, Query("acc", ">", "0", "loss", ascending: true)));
    }

    [Fact]
    public void The_page_stops_at_max_results_after_ordering()
    {
        var runs = Enumerable.Range(0, 10).Select(i => Run($"r{i}", i / 10.0, 0.9, 0)).Reverse().ToList();

        Assert.Equal(["r0", "r1", "r2"], SearchOracle.Expected(runs, Query("acc", ">", "0", "rmse", ascending: true, max: 3)));
    }

    [Fact]
    public void Param_and_tag_clauses_filter_too()
    {
        var runs = new[] { Run("r1", 0.1, 0.9, 0, "tree", "a"), Run("r2", 0.2, 0.9, 0, "linear", "a"), Run("r3", 0.3, 0.9, 0, "tree", "b") };

        Assert.Equal(["r1", "r3"], SearchOracle.Expected(runs, Query("acc", ">", "0", "rmse", true, model: "tree")));
        Assert.Equal(["r3"], SearchOracle.Expected(runs, Query("acc", ">", "0", "rmse", true, team: "b")));
    }

    [Fact]
    public void Every_condition_must_hold()
    {
        var runs = new[] { Run("r1", 0.1, 0.9, 0.3), Run("r2", 0.6, 0.9, 0.2), Run("r3", 0.2, 0.1, 0.1) };
        var query = new SearchQuery("test", [("acc", ">", "0.5"), ("rmse", "<", "0.5")], null, null, "loss", false, 100);

        Assert.Equal(["r1"], SearchOracle.Expected(runs, query));
        Assert.Equal("metrics.acc > 0.5 AND metrics.rmse < 0.5", query.Filter);
        Assert.Equal("metrics.loss DESC", query.OrderBy);
    }

    [Fact]
    public void A_matching_answer_passes()
    {
        Assert.Null(SearchOracle.Check(["a", "b", "c"], ["a", "b", "c"]));
    }

    [Fact]
    public void A_wrong_answer_names_its_first_differing_position()
    {
        var problem = SearchOracle.Check(["a", "c", "b"], ["a", "b", "c"]);

        Assert.Equal("position 2: got run c, brute force says b", problem);
    }

    [Theory]
    [InlineData(new[] { "a", "b" }, "got 2 runs, brute force says 3")]
    [InlineData(new[] { "a", "b", "c", "d" }, "got 4 runs, brute force says 3")]
    public void A_short_or_long_answer_is_wrong(string[] got, string expected)
    {
        Assert.Equal(expected, SearchOracle.Check(got, ["a", "b", "c"]));
    }
}
