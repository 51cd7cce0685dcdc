using MlOps.Orleans.Contracts.Common;
using MlOps.Orleans.Contracts.Features;
using MlOps.Orleans.Features.Offline;
using MlOps.Orleans.Tests.Infrastructure;
using static MlOps.Orleans.Tests.Features.Offline.Specs;
using ErrorCode = MlOps.Orleans.Contracts.Common.ErrorCode;
using VT = MlOps.Orleans.Contracts.Features.FeatureValueType;

namespace MlOps.Orleans.Tests.Features.Offline;

/// <summary>Every refusal names what is wrong, and no refused retrieval leaves a file.</summary>
[Trait("Category", Category.Unit)]
public sealed class RejectionTests : IDisposable
{
    private readonly OfflineTestHost _host = new();
    private static readonly EntitySpec Driver = PointInTimeScenario.Driver;
    private static readonly FeatureViewSpec Rates = View("rates", ["driver"], [F("rate", VT.Float64)], "rates_src", null);
    private static readonly DataSourceSpec RatesSource = Source("rates_src", "artifacts:data/rates/*.csv", format: SourceFormat.Csv);

    public RejectionTests() =>
        _host.WriteCsvArtifactAsync("data/rates/a.csv", "driver_id,event_ts,rate,label\n1,2024-01-01 00:00:00,1.5,x\n2,2024-01-01 00:00:00,2.5,abc\n").GetAwaiter().GetResult();

    public void Dispose() => _host.Dispose();

    private static EntityInput Entities(params (string, VT)[] columns)
    {
        var frame = new Frames(columns);
        frame.Row(columns.Select(c => c.Item2 switch { VT.Int64 => (object?)1L, VT.Timestamp => T("2024-01-02T00:00:00Z"), _ => "1" }).ToArray());
        return EntityInput.FromFrame(frame.Build());
    }

    private static readonly EntityInput Standard = Entities(("driver_id", VT.Int64), ("event_timestamp", VT.Timestamp));

    private async Task<MlopsException> RefusedAsync(RetrievalJob job, ErrorCode code, params string[] mentions)
    {
        var e = await Assert.ThrowsAsync<MlopsException>(() => _host.Store.GetHistoricalFeaturesAsync(job, _host.OutputPath(), CancellationToken.None));
        Assert.Equal(code, e.Code);
        foreach (var m in mentions) Assert.Contains(m, e.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFileSystemEntries(_host.Output));
        return e;
    }

    [Fact]
    public Task Entity_rows_without_a_join_key() =>
        RefusedAsync(Job(Entities(("rider", VT.Int64), ("event_timestamp", VT.Timestamp)), [Select(Rates, "rate")], [RatesSource], [Driver]),
            ErrorCode.InvalidArgument, "'driver_id'", "'rates'");

    [Fact]
    public Task Entity_rows_without_the_timestamp_column() =>
        RefusedAsync(Job(Standard, [Select(Rates, "rate")], [RatesSource], [Driver], ts: "when"), ErrorCode.InvalidArgument, "'when'");

    [Fact]
    public Task Both_and_neither_entity_inputs() =>
        RefusedAsync(Job(new EntityInput(null, null), [Select(Rates, "rate")], [RatesSource], [Driver]), ErrorCode.InvalidArgument, "entity");

    [Fact]
    public Task Source_without_a_feature_column() =>
        RefusedAsync(Job(Standard, [Select(View("rates", ["driver"], [F("speed", VT.Float64)], "rates_src", null), "speed")], [RatesSource], [Driver]),
            ErrorCode.FailedPrecondition, "feature view 'rates'", "'speed'");

    [Fact]
    public Task Feature_not_in_the_view() =>
        RefusedAsync(Job(Standard, [Select(Rates, "nope")], [RatesSource], [Driver]), ErrorCode.InvalidArgument, "'rates'", "'nope'");

    [Fact]
    public Task Value_that_does_not_convert_names_view_and_column() =>
        RefusedAsync(Job(Standard, [Select(View("rates", ["driver"], [F("label", VT.Int64)], "rates_src", null), "label")], [RatesSource], [Driver]),
            ErrorCode.FailedPrecondition, "feature view 'rates'", "'label'", "int64");

    [Theory]
    [InlineData("SELEC driver_id FROM rates_src")]
    [InlineData("SELECT driver_id, event_ts, no_such_column AS rate FROM rates_src")]
    [InlineData("SELECT driver_id, event_ts, rate FROM no_such_table")]
    public Task Bad_sql_names_the_view(string sql) =>
        RefusedAsync(Job(Standard, [Select(SqlView("sql_rates", ["driver"], [F("rate", VT.Float64)], ["rates_src"], sql, null), "rate")], [RatesSource], [Driver]),
            ErrorCode.InvalidArgument, "feature view 'sql_rates'");

    [Fact]
    public Task Two_columns_with_one_name() =>
        RefusedAsync(Job(Entities(("driver_id", VT.Int64), ("event_timestamp", VT.Timestamp), ("rate", VT.String)), [Select(Rates, "rate")], [RatesSource], [Driver]),
            ErrorCode.InvalidArgument, "'rate'");

    [Fact]
    public Task Negative_ttl() =>
        RefusedAsync(Job(Standard, [Select(View("rates", ["driver"], [F("rate", VT.Float64)], "rates_src", TimeSpan.FromHours(-1)), "rate")], [RatesSource], [Driver]),
            ErrorCode.InvalidArgument, "ttl");

    [Fact]
    public Task Unknown_entity_or_source() =>
        RefusedAsync(Job(Standard, [Select(Rates, "rate")], [], [Driver]), ErrorCode.InvalidArgument, "'rates_src'");

    [Fact]
    public Task Entity_value_of_the_wrong_type() =>
        RefusedAsync(Job(EntityInput.FromFrame(new FeatureFrame([new FrameColumn("driver_id", VT.Int64, ["one"]), new FrameColumn("event_timestamp", VT.Timestamp, [T("2024-01-01T00:00:00Z")])])),
            [Select(Rates, "rate")], [RatesSource], [Driver]), ErrorCode.InvalidArgument, "'driver_id'");
}
