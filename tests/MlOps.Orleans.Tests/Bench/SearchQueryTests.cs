using System.Globalization;
using MlOps.Orleans.Bench.Workloads;
using MlOps.Orleans.Tests.Infrastructure;

namespace MlOps.Orleans.Tests.Bench;

/// <summary>The seeded query generator of the search benchmark: reproducible, filter and order on different metrics,
/// thresholds written in the invariant culture and parsed back to the same double the brute force uses.</summary>
[Trait("Category", Category.Unit)]
public sealed class SearchQueryTests
{
    private static string[] Texts(IEnumerable<SearchQuery> queries) => queries.Select(q => $"{q.Template}|{q.Filter}|{q.OrderBy}|{q.MaxResults}").ToArray();

    [Fact]
    public void The_same_seed_gives_the_same_queries()
    {
        Assert.Equal(Texts(SearchQuery.Generate(7, 50, 100)), Texts(SearchQuery.Generate(7, 50, 100)));
    }

    [Fact]
    public void Another_seed_gives_other_queries()
    {
        Assert.NotEqual(Texts(SearchQuery.Generate(7, 50, 100)), Texts(SearchQuery.Generate(8, 50, 100)));
    }

    [Fact]
    public void Every_template_is_drawn_and_each_orders_by_a_metric_it_does_not_filter_on()
    {
        var queries = SearchQuery.Generate(1, 200, 100);

        Assert.Equal(4, queries.Select(q => q.Template).Distinct().Count());
        Assert.All(queries, q => Assert.DoesNotContain(q.OrderKey, q.Conditions.Select(c => c.Key)));
        Assert.All(queries, q => Assert.Equal(100, q.MaxResults));
    }

    [Fact]
    public void Thresholds_are_invariant_text_whatever_the_current_culture()
    {
        var previous = CultureInfo.CurrentCulture;
        try
        {
            CultureInfo.CurrentCulture = CultureInfo.GetCultureInfo("de-DE");
            var queries = SearchQuery.Generate(3, 50, 100);

            Assert.All(queries.SelectMany(q => q.Conditions), c => Assert.DoesNotContain(",", c.Threshold));
            Assert.All(queries.SelectMany(q => q.Conditions),
                c => Assert.True(double.TryParse(c.Threshold, NumberStyles.Float, CultureInfo.InvariantCulture, out _), c.Threshold));
        }
        finally
        {
            CultureInfo.CurrentCulture = previous;
        }
    }

    [Fact]
    public void Seeded_run_values_depend_on_the_index_only()
    {
        var one = SearchSeededRun.For("x", 42);
        var two = SearchSeededRun.For("y", 42);

        Assert.Equal((one.Rmse, one.Acc, one.Loss, one.Model, one.Team), (two.Rmse, two.Acc, two.Loss, two.Model, two.Team));
        Assert.Equal(Math.Round(one.Loss, 2), one.Loss);
    }
}
