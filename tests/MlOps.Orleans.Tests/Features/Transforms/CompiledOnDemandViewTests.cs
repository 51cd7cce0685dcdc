using MlOps.Orleans.Contracts.Features;
using MlOps.Orleans.Features.Transforms;
using MlOps.Orleans.Tests.Infrastructure;
using static MlOps.Orleans.Tests.Features.Transforms.OnDemandTestViews;

namespace MlOps.Orleans.Tests.Features.Transforms;

/// <summary>The public surface: input order, output shape, determinism and concurrent evaluation.</summary>
[Trait("Category", Category.Unit)]
public sealed class CompiledOnDemandViewTests
{
    [Fact]
    public void Input_names_are_canonical_deduplicated_and_sorted()
    {
        var view = Compile(
            ("a", FeatureValueType.Float64, "stats__conv_rate + val_to_add + trips"),
            ("b", FeatureValueType.Int64, "stats__trips * val_to_add"),
            ("c", FeatureValueType.Float64, "other__conv_rate"));
        Assert.Equal(["other__conv_rate", "stats__conv_rate", "stats__trips", "val_to_add"], view.InputNames);
        Assert.Equal(["a", "b", "c"], view.Outputs.Select(o => o.Name));
        Assert.Equal([FeatureValueType.Float64, FeatureValueType.Int64, FeatureValueType.Float64], view.Outputs.Select(o => o.Type));
        Assert.Same(view.Spec.Outputs[0].Field, view.Outputs[0]);
    }

    [Fact]
    public void The_example_view_of_the_docs_evaluates()
    {
        var spec = new OnDemandFeatureViewSpec("driver_ratios", ["driver_hourly_stats"], [new("val_to_add", FeatureValueType.Int64)],
            [new(new FieldSpec("conv_plus_val", FeatureValueType.Float64), "conv_rate + val_to_add")],
            new Dictionary<string, string>(), "", "");
        var types = new Dictionary<string, FeatureValueType>
        {
            ["driver_hourly_stats__conv_rate"] = FeatureValueType.Float32,
            ["driver_hourly_stats__acc_rate"] = FeatureValueType.Float32,
        };
        var view = CompiledOnDemandView.Compile(spec, types);
        Assert.Equal(["driver_hourly_stats__conv_rate", "val_to_add"], view.InputNames);
        var outputs = new object?[1];
        view.Evaluate([0.5f, 10L], outputs);
        Assert.Equal(10.5, outputs[0]);
    }

    [Fact]
    public void A_view_may_read_only_request_fields_or_nothing()
    {
        var view = Compile(("a", FeatureValueType.String, "upper(label)"), ("b", FeatureValueType.Int64, "42"));
        Assert.Equal(["label"], view.InputNames);
        Assert.Equal(["ABC", 42L], Run(view, SampleRow));
        var constant = Compile(("k", FeatureValueType.Float32, "1.5"));
        Assert.Empty(constant.InputNames);
        var outputs = new object?[1];
        constant.Evaluate([], outputs);
        Assert.Equal(1.5f, outputs[0]);
    }

    [Fact]
    public void Wrongly_sized_spans_are_a_caller_error()
    {
        var view = Compile(("a", FeatureValueType.Int64, "trips"), ("b", FeatureValueType.Int64, "val_to_add"));
        Assert.Throws<ArgumentException>(() => view.Evaluate(new object?[1], new object?[2]));
        Assert.Throws<ArgumentException>(() => view.Evaluate(new object?[2], new object?[1]));
        var wide = new object?[3];
        view.Evaluate(new object?[] { 1L, 2L }, wide);
        Assert.Equal([1L, 2L, null], wide);
    }

    [Fact]
    public void Same_inputs_give_same_outputs_across_compiles_and_calls()
    {
        (string, FeatureValueType, string)[] outputs =
        [
            ("a", FeatureValueType.Float64, "stats__conv_rate * factor / 3 + sqrt(trips)"),
            ("b", FeatureValueType.String, "concat(city, '/', round(other__conv_rate * 100, 1))"),
            ("c", FeatureValueType.Int64, "hour(last_seen) * 60 + minute(last_seen)"),
        ];
        var first = Compile(outputs);
        var second = Compile(outputs);
        Assert.Equal(first.InputNames, second.InputNames);
        var rows = GeneratedRows(200).ToList();
        foreach (var row in rows)
        {
            Assert.Equal(Run(first, row), Run(first, row));
            Assert.Equal(Run(first, row), Run(second, row));
        }
    }

    [Fact]
    public async Task Concurrent_evaluation_matches_sequential_evaluation()
    {
        var view = Compile(
            ("a", FeatureValueType.Float64, "ifnull(stats__conv_rate, 0) * factor + trips"),
            ("b", FeatureValueType.Bool, "trips % 3 == 0 or isnull(stats__conv_rate)"),
            ("c", FeatureValueType.String, "concat(city, trips)"));
        var rows = GeneratedRows(2_000).Select(r => view.InputNames.Select(n => r[n]).ToArray()).ToArray();
        var expected = rows.Select(r =>
        {
            var o = new object?[3];
            view.Evaluate(r, o);
            return o;
        }).ToArray();

        using var start = new ManualResetEventSlim();
        var workers = Enumerable.Range(0, 8).Select(_ => Task.Run(() =>
        {
            start.Wait();
            var mismatches = 0;
            var o = new object?[3];
            for (var pass = 0; pass < 5; pass++)
            {
                for (var i = 0; i < rows.Length; i++)
                {
                    view.Evaluate(rows[i], o);
                    if (!o.SequenceEqual(expected[i]))
                    {
                        mismatches++;
                    }
                }
            }
            return mismatches;
        })).ToArray();
        start.Set();
        var results = await Task.WhenAll(workers);
        Assert.All(results, m => Assert.Equal(0, m));
    }

    [Fact]
    public void Evaluation_is_fast_enough_to_run_per_row()
    {
        // A loose ceiling (10 µs a row) that only catches accidental per-row compilation or reflection; the target is < 2 µs.
        var view = Compile(
            ("a", FeatureValueType.Float64, "stats__conv_rate + val_to_add"),
            ("b", FeatureValueType.Float64, "ifnull(trips, 0) / max(factor, 1)"),
            ("c", FeatureValueType.Bool, "trips > 5 and active"));
        var row = view.InputNames.Select(n => SampleRow[n]).ToArray();
        var outputs = new object?[3];
        for (var i = 0; i < 10_000; i++)
        {
            view.Evaluate(row, outputs);
        }
        const int Rows = 100_000;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        for (var i = 0; i < Rows; i++)
        {
            view.Evaluate(row, outputs);
        }
        var perRow = clock.Elapsed.TotalMicroseconds / Rows;
        Assert.True(perRow < 10, $"{perRow:F3} µs per row");
    }

    private static IEnumerable<Dictionary<string, object?>> GeneratedRows(int count)
    {
        var random = new Random(42);
        for (var i = 0; i < count; i++)
        {
            yield return With(
                ("stats__conv_rate", random.Next(5) == 0 ? null : random.NextDouble()),
                ("stats__trips", (long)random.Next(-1000, 1000)),
                ("factor", random.NextDouble() * 10),
                ("stats__city", random.Next(4) == 0 ? null : $"c{random.Next(10)}"),
                ("other__conv_rate", random.NextDouble()),
                ("stats__last_seen", new DateTime(2024, 1, 1, 0, 0, 0, DateTimeKind.Utc).AddMinutes(random.Next(100_000))));
        }
    }
}
