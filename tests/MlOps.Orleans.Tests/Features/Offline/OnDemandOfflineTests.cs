using MlOps.Orleans.Contracts.Features;
using MlOps.Orleans.Features.Offline;
using MlOps.Orleans.Features.Transforms;
using MlOps.Orleans.Tests.Infrastructure;
using static MlOps.Orleans.Tests.Features.Offline.Specs;
using VT = MlOps.Orleans.Contracts.Features.FeatureValueType;

namespace MlOps.Orleans.Tests.Features.Offline;

/// <summary>On-demand outputs in a training set are exactly what the shared evaluator gives for the same inputs.</summary>
[Trait("Category", Category.Unit)]
public sealed class OnDemandOfflineTests : IDisposable
{
    private readonly OfflineTestHost _host = new();

    public void Dispose() => _host.Dispose();

    [Fact]
    public async Task On_demand_outputs_equal_the_evaluator_on_the_same_inputs()
    {
        var scenario = new PointInTimeScenario(seed: 7, entityRows: 400);
        var (baseJob, _) = await scenario.WriteAsync(_host, filterByCreated: false);
        var spec = new OnDemandFeatureViewSpec("ratios", ["driver_hourly", "pair_daily"], [new FieldSpec("row_tag", VT.Int64)],
        [
            new(new FieldSpec("conv_plus_tag", VT.Float64), "driver_hourly__conv_rate + row_tag"),
            new(new FieldSpec("trips_times_score", VT.Float64), "ifnull(driver_hourly__trips, 0) * ifnull(pair_daily__score, 1)"),
            new(new FieldSpec("city_upper", VT.String), "upper(driver_hourly__city)"),
        ], new Dictionary<string, string>(), "", "");
        var types = new Dictionary<string, VT>
        {
            ["driver_hourly__conv_rate"] = VT.Float64, ["driver_hourly__trips"] = VT.Int64, ["driver_hourly__city"] = VT.String,
            ["pair_daily__score"] = VT.Float32, ["pair_daily__flag"] = VT.Bool,
        };
        var compiled = CompiledOnDemandView.Compile(spec, types);
        // Only trips is requested from the hourly view: conv_rate, city and score are fetched as hidden columns;
        // row_tag is an int32 entity column read as the int64 request field.
        var job = baseJob with
        {
            Views = [Select(PointInTimeScenario.HourlyView, "trips"), new ViewSelection(PointInTimeScenario.PairView, 1, [])],
            OnDemand = [new OnDemandSelection(compiled, [new SelectedFeature("trips_times_score", "tts"), new SelectedFeature("conv_plus_tag", "cpt"), new SelectedFeature("city_upper", "city_upper")])],
        };
        var withInputs = baseJob with { Views = [Select(PointInTimeScenario.HourlyView, "conv_rate", "trips", "city"), Select(PointInTimeScenario.PairView, "score")] };

        var result = await _host.Store.GetHistoricalFeaturesAsync(job, _host.OutputPath("od.parquet"), CancellationToken.None);
        await _host.Store.GetHistoricalFeaturesAsync(withInputs, _host.OutputPath("inputs.parquet"), CancellationToken.None);
        var actual = await TrainingSetFile.ReadAsync(_host.OutputPath("od.parquet"));
        var inputs = await TrainingSetFile.ReadAsync(_host.OutputPath("inputs.parquet"));

        Assert.Equal(["driver_id", "rider_id", "event_timestamp", "row_tag", "trips", "tts", "cpt", "city_upper"], actual.Columns);
        Assert.Equal(["driver_id", "rider_id", "event_timestamp", "row_tag", "trips", "tts", "cpt", "city_upper"], result.Schema.Select(f => f.Name));
        var nonNull = 0;
        for (var r = 0; r < inputs.Rows.Count; r++)
        {
            var byName = new Dictionary<string, object?>
            {
                ["driver_hourly__conv_rate"] = inputs[r, "conv_rate"], ["driver_hourly__trips"] = inputs[r, "trips"],
                ["driver_hourly__city"] = inputs[r, "city"], ["pair_daily__score"] = inputs[r, "score"],
                ["row_tag"] = (long)(int)inputs[r, "row_tag"]!,
            };
            var outputs = new object?[3];
            compiled.Evaluate(compiled.InputNames.Select(n => byName[n]).ToArray(), outputs);
            Assert.Equal(outputs[1], actual[r, "tts"]);
            Assert.Equal(outputs[0], actual[r, "cpt"]);
            Assert.Equal(outputs[2], actual[r, "city_upper"]);
            Assert.Equal(inputs[r, "trips"], actual[r, "trips"]);
            if (outputs[0] is not null) nonNull++;
        }
        Assert.True(nonNull > 50, $"only {nonNull} rows had a computed value");
    }

    [Fact]
    public async Task Missing_request_field_names_it()
    {
        await _host.WriteParquetArtifactAsync("data/x/a.parquet", new Frames(("driver_id", VT.Int64), ("event_ts", VT.Timestamp), ("v", VT.Float64))
            .Row(1L, T("2024-01-01T00:00:00Z"), 1.0).Build());
        var view = View("x", ["driver"], [F("v", VT.Float64)], "x_src", null);
        var spec = new OnDemandFeatureViewSpec("od", ["x"], [new FieldSpec("bonus", VT.Float64)],
            [new(new FieldSpec("out", VT.Float64), "x__v + bonus")], new Dictionary<string, string>(), "", "");
        var compiled = CompiledOnDemandView.Compile(spec, new Dictionary<string, VT> { ["x__v"] = VT.Float64 });
        var job = Job(EntityInput.FromFrame(new Frames(("driver_id", VT.Int64), ("event_timestamp", VT.Timestamp)).Row(1L, T("2024-01-02T00:00:00Z")).Build()),
            [new ViewSelection(view, 1, [])], [Source("x_src", "artifacts:data/x/*.parquet")], [PointInTimeScenario.Driver],
            onDemand: [new OnDemandSelection(compiled, [new SelectedFeature("out", "out")])]);

        var e = await Assert.ThrowsAsync<MlOps.Orleans.Contracts.Common.MlopsException>(() => _host.Store.GetHistoricalFeaturesAsync(job, _host.OutputPath(), CancellationToken.None));
        Assert.Contains("'bonus'", e.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(_host.OutputPath()));
    }
}
