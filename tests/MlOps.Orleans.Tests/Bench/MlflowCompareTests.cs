using System.Text;
using System.Text.Json;
using MlOps.Orleans.Bench.Measure;
using MlOps.Orleans.Bench.Workloads;
using MlOps.Orleans.Tests.Infrastructure;

namespace MlOps.Orleans.Tests.Bench;

/// <summary>
/// The parts of <c>mlflow-compare</c> a ratio rests on (issue 15): both servers get the same bytes, every log call is
/// fresh, a search answer is checked against brute force, and a ratio over nothing is no figure.
/// </summary>
[Trait("Category", Category.Unit)]
public sealed class MlflowCompareTests
{
    [Fact]
    public void Bodies_are_a_pure_function_of_their_coordinates()
    {
        Assert.Equal(MlflowCompareBodies.LogMetric("r", 1000, 2, 3, 4), MlflowCompareBodies.LogMetric("r", 1000, 2, 3, 4));
        Assert.Equal(MlflowCompareBodies.LogBatch("r", 1000, 2, 3, 4, 100), MlflowCompareBodies.LogBatch("r", 1000, 2, 3, 4, 100));
        Assert.Equal(MlflowCompareBodies.Search("e", 2, 3, 5).Body, MlflowCompareBodies.Search("e", 2, 3, 5).Body);
    }

    [Fact]
    public void Log_metric_steps_never_repeat_across_positions_clients_or_rounds()
    {
        var steps = new HashSet<long>();
        for (var round = 0; round < 3; round++)
        for (var position = 0; position < 50; position++)
        {
            using var body = JsonDocument.Parse(MlflowCompareBodies.LogMetric("r", 0, round, 0, position));
            Assert.True(steps.Add(body.RootElement.GetProperty("step").GetInt64()), $"round {round} position {position} repeats a step");
        }
    }

    [Fact]
    public void A_log_batch_holds_the_count_asked_with_fresh_key_step_pairs()
    {
        var pairs = new HashSet<(string, long)>();
        foreach (var position in new long[] { 0, 1, 2 })
        {
            using var body = JsonDocument.Parse(MlflowCompareBodies.LogBatch("run-1", 0, 1, 0, position, 100));
            Assert.Equal("run-1", body.RootElement.GetProperty("run_id").GetString());
            var metrics = body.RootElement.GetProperty("metrics").EnumerateArray().ToList();
            Assert.Equal(100, metrics.Count);
            foreach (var m in metrics)
                Assert.True(pairs.Add((m.GetProperty("key").GetString()!, m.GetProperty("step").GetInt64())), "a (key, step) pair repeats");
        }
    }

    [Fact]
    public void Unit_is_in_the_half_open_interval_and_spreads()
    {
        var values = Enumerable.Range(0, 10_000).Select(i => MlflowCompareBodies.Unit(1, 2, i, 0)).ToList();
        Assert.All(values, v => Assert.InRange(v, 0.0, Math.BitDecrement(1.0)));
        Assert.InRange(values.Average(), 0.48, 0.52);
        Assert.InRange(values.Count(v => v < 0.1), 900, 1100);
    }

    [Fact]
    public void Search_bodies_mix_a_metric_only_filter_and_a_param_filter_and_order_on_the_other_metric()
    {
        var even = MlflowCompareBodies.Search("7", 0, 0, 2);
        var odd = MlflowCompareBodies.Search("7", 0, 0, 3);
        Assert.Null(even.Model);
        Assert.NotNull(odd.Model);

        using var body = JsonDocument.Parse(odd.Body);
        var filter = body.RootElement.GetProperty("filter").GetString()!;
        Assert.StartsWith("metrics.rmse < ", filter, StringComparison.Ordinal);
        Assert.EndsWith($" and params.model = '{odd.Model}'", filter, StringComparison.Ordinal);
        Assert.Equal("metrics.acc DESC", body.RootElement.GetProperty("order_by")[0].GetString());
        Assert.Equal(MlflowSearchQuery.Page, body.RootElement.GetProperty("max_results").GetInt32());
        Assert.Equal("7", body.RootElement.GetProperty("experiment_ids")[0].GetString());
    }

    [Fact]
    public void The_expected_search_answer_filters_orders_by_acc_descending_and_cuts_the_page()
    {
        var runs = Enumerable.Range(0, 300).Select(i => new MlflowSearchSeedRun($"r{i}", i / 300.0, (i * 7 % 300) / 300.0, i % 2 == 0 ? "model-0" : "model-1", "t")).ToList();

        var all = new MlflowSearchQuery([], 2.0, null).Expected(runs);
        Assert.Equal(MlflowSearchQuery.Page, all.Count);
        var accs = all.Select(id => runs.Single(r => r.RunId == id).Acc).ToList();
        Assert.Equal(accs.OrderByDescending(a => a), accs);
        Assert.Equal(runs.Max(r => r.Acc), accs[0]);

        var filtered = new MlflowSearchQuery([], 0.1, "model-1").Expected(runs);
        Assert.All(filtered, id => Assert.True(runs.Single(r => r.RunId == id) is { Rmse: < 0.1, Model: "model-1" }));
        Assert.Equal(runs.Count(r => r.Rmse < 0.1 && r.Model == "model-1"), filtered.Count);
    }

    [Fact]
    public void A_threshold_equal_to_a_value_excludes_it()
    {
        var runs = new[] { new MlflowSearchSeedRun("a", 0.5, 0.1, "m", "t"), new MlflowSearchSeedRun("b", 0.4, 0.2, "m", "t") };
        Assert.Equal(["b"], new MlflowSearchQuery([], 0.5, null).Expected(runs));
    }

    private static byte[] Answer(params string[] ids) =>
        Encoding.UTF8.GetBytes(JsonSerializer.Serialize(new { runs = ids.Select(id => new { info = new { run_id = id } }) }));

    [Fact]
    public void The_search_check_accepts_the_brute_force_answer_and_names_what_is_wrong_with_others()
    {
        var runs = new[] { new MlflowSearchSeedRun("a", 0.1, 0.9, "m", "t"), new MlflowSearchSeedRun("b", 0.2, 0.8, "m", "t"), new MlflowSearchSeedRun("c", 0.9, 0.7, "m", "t") };
        var query = new MlflowSearchQuery([], 0.5, null);

        Assert.Null(MlflowSearchCheck.Wrong(query, runs, Answer("a", "b")));
        Assert.Equal("runs/search answer differs from brute force at rank 1", MlflowSearchCheck.Wrong(query, runs, Answer("b", "a")));
        Assert.Equal("runs/search returned 3 runs, brute force 2", MlflowSearchCheck.Wrong(query, runs, Answer("a", "b", "c")));
        // MLflow leaves "runs" out of an empty answer: that is zero runs, not a parse failure.
        Assert.Equal("runs/search returned 0 runs, brute force 2", MlflowSearchCheck.Wrong(query, runs, "{}"u8.ToArray()));
    }

    [Fact]
    public void Paired_requests_hand_both_servers_the_same_body_built_once()
    {
        var built = 0;
        var requests = new MlflowPairedRequests(2, (client, position) => { built++; return Encoding.UTF8.GetBytes($"{client}:{position}"); });

        var ours = Enumerable.Range(0, 5).Select(_ => requests.Next(0, 1)).ToList();
        var theirs = Enumerable.Range(0, 3).Select(_ => requests.Next(1, 1)).ToList();

        Assert.Equal(5, built);
        Assert.Equal(ours.Take(3), theirs);
        Assert.Equal(5, requests.Sent(0));
        Assert.Equal(3, requests.Sent(1));
        Assert.Equal(3, requests.AssertIdentical());
    }

    [Fact]
    public void Paired_requests_void_the_comparison_when_a_sent_body_was_changed()
    {
        var requests = new MlflowPairedRequests(1, (_, position) => [(byte)position, 0]);
        var body = requests.Next(0, 0);
        body[1] = 42; // mutated after ours was sent and before theirs was
        requests.Next(1, 0);

        var error = Assert.Throws<InvalidOperationException>(() => requests.AssertIdentical());
        Assert.Equal("client 0 request 0: the two servers were sent different bytes; the comparison is void", error.Message);
    }

    [Fact]
    public void Each_server_moves_on_to_the_next_position_whichever_sent_first()
    {
        var built = new List<long>();
        var requests = new MlflowPairedRequests(1, (_, position) => { built.Add(position); return [(byte)position]; });

        Assert.Equal([0], requests.Next(1, 0));
        Assert.Equal([0], requests.Next(0, 0));
        Assert.Equal([1], requests.Next(0, 0));
        Assert.Equal([1], requests.Next(1, 0));
        Assert.Equal([0L, 1L], built);
        Assert.Equal(2, requests.AssertIdentical());
    }

    private static Summary Latency(double p50, double p99) => new(100, p50, p50, p99, p99, p50);

    [Fact]
    public void Ratios_read_ours_over_theirs()
    {
        var ratio = MlflowCompareRatio.Of(3000, Latency(0.5, 2), 1000, Latency(2, 8));

        Assert.Equal(3.0, ratio.RequestsPerSecond);
        Assert.Equal(0.25, ratio.P50);
        Assert.Equal(0.25, ratio.P99);
    }

    [Theory]
    [InlineData(1.0, 0.0)]
    [InlineData(double.NaN, 1.0)]
    [InlineData(1.0, double.PositiveInfinity)]
    public void A_ratio_over_nothing_is_no_figure(double a, double b)
    {
        Assert.True(double.IsNaN(MlflowCompareRatio.Divide(a, b)));
        var json = MlflowCompareRatio.Of(a, Latency(1, 1), b, Latency(1, 1)).ToJson();
        Assert.Null(json["requests_per_s"]);
        Assert.Equal(1.0, json["p50"]!.GetValue<double>());
    }
}
