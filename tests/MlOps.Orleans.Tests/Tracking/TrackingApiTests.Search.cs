using Grpc.Core;
using MlOps.Orleans.Tests.Infrastructure;
using Wire = MlOps.Orleans.Protos.Tracking.V1;

namespace MlOps.Orleans.Tests.Tracking;

public abstract partial class TrackingApiTests
{
    /// <summary>Six runs: rmse 0.1..0.5 on five of them (one NaN, one missing), params and tags to filter on.</summary>
    private async Task<(string ExperimentId, List<string> Runs)> SearchFixture()
    {
        var e = await NewExperiment();
        var runs = new List<string>();
        double?[] rmse = [0.3, 0.1, double.NaN, 0.5, null, 0.2];
        for (var i = 0; i < rmse.Length; i++)
        {
            var run = await NewRun(e.ExperimentId, startTime: 1000 + i);
            var batch = new Wire.LogBatchRequest { RunId = run.Info.RunId };
            if (rmse[i] is { } v) batch.Metrics.Add(new Wire.Metric { Key = "rmse", Value = v, Timestamp = 1, Step = 0 });
            batch.Params.Add(new Wire.Param { Key = "model", Value = i % 2 == 0 ? "tree" : "Linear" });
            batch.Tags.Add(new Wire.Tag { Key = "mlflow.user", Value = $"user{i}" });
            await Api.LogBatchAsync(batch);
            runs.Add(run.Info.RunId);
        }
        return (e.ExperimentId, runs);
    }

    private async Task<List<string>> Search(string experimentId, string filter, params string[] orderBy)
    {
        var request = new Wire.SearchRunsRequest { ExperimentIds = { experimentId }, Filter = filter };
        request.OrderBy.AddRange(orderBy);
        return (await Api.SearchRunsAsync(request)).Runs.Select(r => r.Info.RunId).ToList();
    }

    [Fact]
    public async Task Search_orders_by_metric_with_nan_and_missing_last()
    {
        var (e, runs) = await SearchFixture();
        var ascending = await Search(e, "", "metrics.rmse ASC");
        Assert.Equal([runs[1], runs[5], runs[0], runs[3]], ascending.Take(4));
        Assert.Equal(new HashSet<string> { runs[2], runs[4] }, ascending.Skip(4).ToHashSet());
        var descending = await Search(e, "", "metrics.rmse DESC");
        Assert.Equal([runs[3], runs[0], runs[5], runs[1]], descending.Take(4));
    }

    [Fact]
    public async Task Search_default_order_is_newest_start_time_first()
    {
        var (e, runs) = await SearchFixture();
        Assert.Equal(Enumerable.Reverse(runs), await Search(e, ""));
    }

    [Fact]
    public async Task Search_filters_on_metric_param_tag_and_attribute()
    {
        var (e, runs) = await SearchFixture();
        Assert.Equal([runs[1], runs[5]], await Search(e, "metrics.rmse < 0.25", "metrics.rmse"));
        Assert.Equal([runs[5], runs[1]], await Search(e, "metrics.rmse < 0.25 AND params.model = 'Linear'"));
        Assert.Equal([runs[1]], await Search(e, "metrics.rmse < 0.15 AND params.model = 'Linear'"));
        Assert.Equal(3, (await Search(e, "params.model ILIKE 'linear'")).Count);
        Assert.Empty(await Search(e, "params.model LIKE 'linear'"));
        Assert.Equal([runs[3]], await Search(e, "tags.`mlflow.user` = 'user3'"));
        Assert.Equal(6, (await Search(e, "attributes.status = 'RUNNING'")).Count);
        Assert.Equal([runs[0]], await Search(e, $"attributes.run_id IN ('{runs[0]}', 'ffffffffffffffffffffffffffffffff')"));
        Assert.Equal(2, (await Search(e, "attributes.start_time >= 1004")).Count);
    }

    [Fact]
    public async Task Search_spans_experiments_and_hides_deleted_runs()
    {
        var (e1, runs1) = await SearchFixture();
        var (e2, _) = await SearchFixture();
        await Api.DeleteRunAsync(new Wire.DeleteRunRequest { RunId = runs1[0] });
        var both = await Api.SearchRunsAsync(new Wire.SearchRunsRequest { ExperimentIds = { e1, e2 } });
        Assert.Equal(11, both.Runs.Count);
        var deleted = await Api.SearchRunsAsync(new Wire.SearchRunsRequest { ExperimentIds = { e1 }, RunViewType = Wire.ViewType.DeletedOnly });
        Assert.Equal(runs1[0], Assert.Single(deleted.Runs).Info.RunId);
    }

    [Fact]
    public async Task Search_pages_neither_skip_nor_repeat_when_runs_arrive_meanwhile()
    {
        var (e, runs) = await SearchFixture();
        var seen = new List<string>();
        var token = "";
        var added = 0;
        do
        {
            var page = await Api.SearchRunsAsync(new Wire.SearchRunsRequest { ExperimentIds = { e }, MaxResults = 2, PageToken = token, OrderBy = { "metrics.rmse ASC" } });
            seen.AddRange(page.Runs.Select(r => r.Info.RunId));
            token = page.NextPageToken;
            if (added++ < 2)
            {
                // Newcomers sorting before the cursor (tiny rmse): they must not shift what comes next.
                var run = await NewRun(e);
                await Api.LogMetricAsync(new Wire.LogMetricRequest { RunId = run.Info.RunId, Metric = new Wire.Metric { Key = "rmse", Value = 0.0001, Timestamp = 1 } });
            }
        }
        while (token.Length > 0);
        Assert.Equal(seen.Count, seen.Distinct().Count());
        Assert.Superset(runs.ToHashSet(), seen.ToHashSet());
    }

    [Fact]
    public async Task Search_filtered_and_ordered_by_one_metric_pages_in_order()
    {
        var (e, runs) = await SearchFixture();
        var seen = new List<string>();
        var token = "";
        do
        {
            var page = await Api.SearchRunsAsync(new Wire.SearchRunsRequest
            {
                ExperimentIds = { e }, Filter = "metrics.rmse >= 0.1", MaxResults = 1, PageToken = token, OrderBy = { "metrics.rmse DESC" },
            });
            seen.AddRange(page.Runs.Select(r => r.Info.RunId));
            token = page.NextPageToken;
        }
        while (token.Length > 0);
        Assert.Equal([runs[3], runs[0], runs[5], runs[1]], seen);
    }

    [Theory]
    [InlineData("metrics.rmse < 'a'", "position")]
    [InlineData("params.model > 'a'", "position")]
    [InlineData("metrics.rmse < 1 OR metrics.rmse > 2", "position")]
    [InlineData("bogus.key = 1", "position")]
    [InlineData("attributes.nonsense = 'x'", "nonsense")]
    public async Task Search_rejects_a_bad_filter_with_position_and_reason(string filter, string mention)
    {
        var e = await NewExperiment();
        await Rpc.Refuses(StatusCode.InvalidArgument,
            () => Api.SearchRunsAsync(new Wire.SearchRunsRequest { ExperimentIds = { e.ExperimentId }, Filter = filter }).ResponseAsync, "filter", mention);
    }

    [Fact]
    public async Task Search_rejects_bad_limits_ids_order_and_token()
    {
        var e = (await NewExperiment()).ExperimentId;
        await Rpc.Refuses(StatusCode.InvalidArgument, () => Api.SearchRunsAsync(new Wire.SearchRunsRequest { ExperimentIds = { e }, MaxResults = 50001 }).ResponseAsync, "max_results");
        await Rpc.Refuses(StatusCode.InvalidArgument, () => Api.SearchRunsAsync(new Wire.SearchRunsRequest()).ResponseAsync, "experiment_ids");
        await Rpc.Refuses(StatusCode.InvalidArgument, () => Api.SearchRunsAsync(new Wire.SearchRunsRequest { ExperimentIds = { "x1" } }).ResponseAsync, "experiment_ids");
        await Rpc.Refuses(StatusCode.InvalidArgument, () => Api.SearchRunsAsync(new Wire.SearchRunsRequest { ExperimentIds = { e }, OrderBy = { "foo.bar" } }).ResponseAsync, "order_by");
        await Rpc.Refuses(StatusCode.InvalidArgument, () => Api.SearchRunsAsync(new Wire.SearchRunsRequest { ExperimentIds = { e }, PageToken = "bm9wZQ==" }).ResponseAsync, "page_token");
    }
}
