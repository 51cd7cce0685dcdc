using Grpc.Core;
using MlOps.Orleans.Tests.Infrastructure;
using MlOps.Orleans.Tests.Models;
using Reg = MlOps.Orleans.Protos.Registry.V1;
using Wire = MlOps.Orleans.Protos.Tracking.V1;

namespace MlOps.Orleans.Tests.Registry;

public abstract partial class RegistryApiTests
{
    private Reg.PromoteRequest Promote(string model, long version, bool force = false, string reason = "", string evaluationRun = "") => new()
    {
        Name = model, CandidateVersion = version, Alias = "champion", Metric = "rmse", HigherIsBetter = false, MinimumGain = 0.01,
        Force = force, Reason = reason, EvaluationRunId = evaluationRun, UserId = "ci",
    };

    [Fact]
    public async Task Promotion_compares_metrics_newer_is_not_better()
    {
        var model = await NewModel();
        await Register(model, await RunWithPackage(rmse: 0.30));   // v1
        await Register(model, await RunWithPackage(rmse: 0.20));   // v2: better
        await Register(model, await RunWithPackage(rmse: 0.25));   // v3: newer but worse than v2
        await Register(model, await RunWithPackage(rmse: 0.195));  // v4: better, but by less than the minimum gain

        var first = await Registry.PromoteAsync(Promote(model, 1));
        Assert.Equal(Reg.PromotionDecision.Promoted, first.Decision);
        Assert.False(first.HasFromVersion);
        var second = await Registry.PromoteAsync(Promote(model, 2));
        Assert.Equal(Reg.PromotionDecision.Promoted, second.Decision);
        Assert.Equal(1, second.FromVersion);
        var third = await Registry.PromoteAsync(Promote(model, 3));
        Assert.Equal(Reg.PromotionDecision.Rejected, third.Decision);
        Assert.Equal(0.25, third.CandidateValue);
        Assert.Equal(0.20, third.HolderValue);
        Assert.Equal(Reg.PromotionDecision.Rejected, (await Registry.PromoteAsync(Promote(model, 4))).Decision);
        Assert.Equal(2, (await Registry.GetModelVersionByAliasAsync(new Reg.GetModelVersionByAliasRequest { Name = model, Alias = "champion" })).Version);

        var history = await Registry.ListPromotionsAsync(new Reg.ListPromotionsRequest { Name = model });
        Assert.Equal([Reg.PromotionDecision.Promoted, Reg.PromotionDecision.Promoted, Reg.PromotionDecision.Rejected, Reg.PromotionDecision.Rejected],
            history.Promotions.Select(p => p.Decision));
        Assert.All(history.Promotions, p => Assert.Equal("ci", p.UserId));
    }

    [Fact]
    public async Task Promotion_forced_needs_a_reason_and_is_recorded_as_forced()
    {
        var model = await NewModel();
        await Register(model, await RunWithPackage(rmse: 0.1));
        await Register(model, await RunWithPackage(rmse: 0.9));
        await Registry.PromoteAsync(Promote(model, 1));
        await Rpc.Refuses(StatusCode.InvalidArgument, () => Registry.PromoteAsync(Promote(model, 2, force: true)).ResponseAsync, "reason");
        var forced = await Registry.PromoteAsync(Promote(model, 2, force: true, reason: "rollback of a data bug"));
        Assert.Equal(Reg.PromotionDecision.Forced, forced.Decision);
        Assert.Equal("rollback of a data bug", forced.Reason);
        Assert.Equal(2, (await Registry.GetModelVersionByAliasAsync(new Reg.GetModelVersionByAliasRequest { Name = model, Alias = "champion" })).Version);
    }

    [Fact]
    public async Task Promotion_with_a_missing_or_nan_metric_is_a_failed_precondition()
    {
        var model = await NewModel();
        await Register(model, await RunWithPackage(rmse: null));
        await Register(model, await RunWithPackage(rmse: double.NaN));
        await Rpc.Refuses(StatusCode.FailedPrecondition, () => Registry.PromoteAsync(Promote(model, 1)).ResponseAsync, "rmse");
        await Rpc.Refuses(StatusCode.FailedPrecondition, () => Registry.PromoteAsync(Promote(model, 2)).ResponseAsync, "NaN");
        Assert.Empty((await Registry.ListPromotionsAsync(new Reg.ListPromotionsRequest { Name = model })).Promotions);
    }

    [Fact]
    public async Task Promotion_can_read_the_candidate_metric_from_an_evaluation_run()
    {
        var model = await NewModel();
        await Register(model, await RunWithPackage(rmse: 0.5));
        await Register(model, await RunWithPackage(rmse: 0.9));
        await Registry.PromoteAsync(Promote(model, 1));
        var e = await Tracking.CreateExperimentAsync(new Wire.CreateExperimentRequest { Name = Unique("eval") });
        var eval = await Tracking.CreateRunAsync(new Wire.CreateRunRequest { ExperimentId = e.ExperimentId });
        await Tracking.LogMetricAsync(new Wire.LogMetricRequest { RunId = eval.Info.RunId, Metric = new Wire.Metric { Key = "rmse", Value = 0.1, Timestamp = 1 } });
        var record = await Registry.PromoteAsync(Promote(model, 2, evaluationRun: eval.Info.RunId));
        Assert.Equal(Reg.PromotionDecision.Promoted, record.Decision);
        Assert.Equal(0.1, record.CandidateValue);
    }

    [Fact]
    public async Task Promotion_refuses_bad_aliases_gains_and_unready_versions()
    {
        var model = await NewModel();
        await Register(model, await RunWithPackage());
        var bad = Promote(model, 1);
        bad.Alias = "latest";
        await Rpc.Refuses(StatusCode.InvalidArgument, () => Registry.PromoteAsync(bad).ResponseAsync, "alias");
        var gain = Promote(model, 1);
        gain.MinimumGain = -1;
        await Rpc.Refuses(StatusCode.InvalidArgument, () => Registry.PromoteAsync(gain).ResponseAsync, "minimum_gain");
        await Rpc.Refuses(StatusCode.NotFound, () => Registry.PromoteAsync(Promote(model, 9)).ResponseAsync, "9");
    }
}

[Trait("Category", Category.Platform)]
public sealed class SqliteRegistryApiTests(SqlitePlatformFixture platform, TrainedPackageFixture package)
    : RegistryApiTests(platform, package), IClassFixture<SqlitePlatformFixture>, IClassFixture<TrainedPackageFixture>;

[Trait("Category", Category.Platform)]
public sealed class PostgresRegistryApiTests(PostgresPlatformFixture platform, TrainedPackageFixture package)
    : RegistryApiTests(platform, package), IClassFixture<PostgresPlatformFixture>, IClassFixture<TrainedPackageFixture>;
