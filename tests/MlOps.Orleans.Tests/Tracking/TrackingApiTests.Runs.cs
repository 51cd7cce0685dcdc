using Grpc.Core;
using MlOps.Orleans.Tests.Infrastructure;
using Wire = MlOps.Orleans.Protos.Tracking.V1;

namespace MlOps.Orleans.Tests.Tracking;

public abstract partial class TrackingApiTests
{
    [Fact]
    public async Task Run_is_created_running_with_a_32_hex_id_a_name_and_an_artifact_uri()
    {
        var e = await NewExperiment();
        var run = await Api.CreateRunAsync(new Wire.CreateRunRequest { ExperimentId = e.ExperimentId, UserId = "ada", StartTime = 1234 });
        Assert.Matches("^[0-9a-f]{32}$", run.Info.RunId);
        Assert.Equal(Wire.RunStatus.Running, run.Info.Status);
        Assert.Equal(1234, run.Info.StartTime);
        Assert.Equal("ada", run.Info.UserId);
        Assert.False(string.IsNullOrEmpty(run.Info.RunName));
        Assert.Equal($"mlflow-artifacts:/{e.ExperimentId}/{run.Info.RunId}/artifacts", run.Info.ArtifactUri);
        Assert.Contains(run.Tags, t => t.Key == "mlflow.runName" && t.Value == run.Info.RunName);
    }

    [Fact]
    public async Task Run_create_in_an_unknown_experiment_is_not_found() =>
        await Rpc.Refuses(StatusCode.NotFound, () => Api.CreateRunAsync(new Wire.CreateRunRequest { ExperimentId = "424242424242" }).ResponseAsync, "424242424242");

    [Fact]
    public async Task Run_get_rejects_a_malformed_id_and_reports_an_unknown_one()
    {
        await Rpc.Refuses(StatusCode.InvalidArgument, () => Api.GetRunAsync(new Wire.GetRunRequest { RunId = "../../etc" }).ResponseAsync, "run_id");
        await Rpc.Refuses(StatusCode.NotFound, () => Api.GetRunAsync(new Wire.GetRunRequest { RunId = Guid.NewGuid().ToString("N") }).ResponseAsync, "not found");
    }

    [Fact]
    public async Task Run_update_sets_status_end_time_and_name()
    {
        var run = await NewRun();
        var info = await Api.UpdateRunAsync(new Wire.UpdateRunRequest { RunId = run.Info.RunId, Status = Wire.RunStatus.Finished, EndTime = 99, RunName = "final" });
        Assert.Equal(Wire.RunStatus.Finished, info.Status);
        Assert.Equal(99, info.EndTime);
        var fetched = await Api.GetRunAsync(new Wire.GetRunRequest { RunId = run.Info.RunId });
        Assert.Equal("final", fetched.Info.RunName);
        Assert.Contains(fetched.Tags, t => t.Key == "mlflow.runName" && t.Value == "final");
    }

    [Fact]
    public async Task Run_update_rejects_an_unknown_status() =>
        await Rpc.Refuses(StatusCode.InvalidArgument, async () => await Api.UpdateRunAsync(new Wire.UpdateRunRequest
        {
            RunId = (await NewRun()).Info.RunId, Status = (Wire.RunStatus)42,
        }), "status");

    [Fact]
    public async Task Deleted_run_refuses_writes_until_restored()
    {
        var run = await NewRun();
        var id = run.Info.RunId;
        Assert.Equal(Wire.LifecycleStage.Deleted, (await Api.DeleteRunAsync(new Wire.DeleteRunRequest { RunId = id })).LifecycleStage);
        await Rpc.Refuses(StatusCode.FailedPrecondition, () => Api.LogMetricAsync(new Wire.LogMetricRequest { RunId = id, Metric = new Wire.Metric { Key = "m", Value = 1 } }).ResponseAsync, "deleted");
        await Api.RestoreRunAsync(new Wire.RestoreRunRequest { RunId = id });
        await Api.LogMetricAsync(new Wire.LogMetricRequest { RunId = id, Metric = new Wire.Metric { Key = "m", Value = 1 } });
    }

    [Fact]
    public async Task Run_tags_are_set_and_deleted_and_a_missing_tag_is_not_found()
    {
        var id = (await NewRun()).Info.RunId;
        await Api.SetRunTagAsync(new Wire.SetRunTagRequest { RunId = id, Key = "owner", Value = "ml" });
        Assert.Contains((await Api.GetRunAsync(new Wire.GetRunRequest { RunId = id })).Tags, t => t.Key == "owner");
        await Api.DeleteRunTagAsync(new Wire.DeleteRunTagRequest { RunId = id, Key = "owner" });
        Assert.DoesNotContain((await Api.GetRunAsync(new Wire.GetRunRequest { RunId = id })).Tags, t => t.Key == "owner");
        await Rpc.Refuses(StatusCode.NotFound, () => Api.DeleteRunTagAsync(new Wire.DeleteRunTagRequest { RunId = id, Key = "owner" }).ResponseAsync, "owner");
    }

    [Theory]
    [InlineData("a/../b")]
    [InlineData("/abs")]
    [InlineData("semi;colon")]
    [InlineData("")]
    public async Task Run_tag_key_outside_mlflows_rules_is_refused(string key) =>
        await Rpc.Refuses(StatusCode.InvalidArgument, async () => await Api.SetRunTagAsync(new Wire.SetRunTagRequest
        {
            RunId = (await NewRun()).Info.RunId, Key = key, Value = "v",
        }), "key");

    [Fact]
    public async Task Param_is_immutable_same_value_is_accepted_a_different_one_refused()
    {
        var id = (await NewRun()).Info.RunId;
        await Api.LogParamsAsync(new Wire.LogParamsRequest { RunId = id, Params = { new Wire.Param { Key = "lr", Value = "0.1" } } });
        await Api.LogParamsAsync(new Wire.LogParamsRequest { RunId = id, Params = { new Wire.Param { Key = "lr", Value = "0.1" } } });
        await Rpc.Refuses(StatusCode.InvalidArgument,
            () => Api.LogParamsAsync(new Wire.LogParamsRequest { RunId = id, Params = { new Wire.Param { Key = "lr", Value = "0.2" } } }).ResponseAsync, "lr", "immutable");
        Assert.Equal("0.1", Assert.Single((await Api.GetRunAsync(new Wire.GetRunRequest { RunId = id })).Params).Value);
    }

    [Fact]
    public async Task Param_value_over_6000_characters_is_refused() =>
        await Rpc.Refuses(StatusCode.InvalidArgument, async () => await Api.LogParamsAsync(new Wire.LogParamsRequest
        {
            RunId = (await NewRun()).Info.RunId, Params = { new Wire.Param { Key = "p", Value = new string('x', 6001) } },
        }), "6000");

    [Fact]
    public async Task Batch_is_all_or_nothing_when_one_entry_is_bad()
    {
        var id = (await NewRun()).Info.RunId;
        var batch = new Wire.LogBatchRequest { RunId = id };
        batch.Metrics.Add(new Wire.Metric { Key = "good", Value = 1, Timestamp = 1, Step = 0 });
        batch.Params.Add(new Wire.Param { Key = "p", Value = "v" });
        batch.Tags.Add(new Wire.Tag { Key = "bad key!", Value = "v" });
        await Rpc.Refuses(StatusCode.InvalidArgument, () => Api.LogBatchAsync(batch).ResponseAsync, "tags[0].key");
        var run = await Api.GetRunAsync(new Wire.GetRunRequest { RunId = id });
        Assert.Empty(run.Metrics);
        Assert.Empty(run.Params);
    }

    [Fact]
    public async Task Batch_with_a_conflicting_param_stores_none_of_its_metrics()
    {
        var id = (await NewRun()).Info.RunId;
        await Api.LogParamsAsync(new Wire.LogParamsRequest { RunId = id, Params = { new Wire.Param { Key = "p", Value = "1" } } });
        var batch = new Wire.LogBatchRequest { RunId = id, Params = { new Wire.Param { Key = "p", Value = "2" } } };
        batch.Metrics.Add(new Wire.Metric { Key = "m", Value = 1, Timestamp = 1 });
        await Rpc.Refuses(StatusCode.InvalidArgument, () => Api.LogBatchAsync(batch).ResponseAsync, "'p'");
        Assert.Empty((await Api.GetRunAsync(new Wire.GetRunRequest { RunId = id })).Metrics);
    }

    [Theory]
    [InlineData(1001, 0, 0, "1000 metrics")]
    [InlineData(0, 101, 0, "100 params")]
    [InlineData(0, 0, 101, "100 tags")]
    [InlineData(950, 60, 0, "1000 entries")]
    public async Task Batch_limits_are_enforced(int metrics, int parameters, int tags, string mention)
    {
        var batch = new Wire.LogBatchRequest { RunId = (await NewRun()).Info.RunId };
        for (var i = 0; i < metrics; i++) batch.Metrics.Add(new Wire.Metric { Key = "m", Value = i, Timestamp = 1, Step = i });
        for (var i = 0; i < parameters; i++) batch.Params.Add(new Wire.Param { Key = $"p{i}", Value = "v" });
        for (var i = 0; i < tags; i++) batch.Tags.Add(new Wire.Tag { Key = $"t{i}", Value = "v" });
        await Rpc.Refuses(StatusCode.InvalidArgument, () => Api.LogBatchAsync(batch).ResponseAsync, mention);
    }

    [Fact]
    public async Task Batch_rejects_one_param_key_twice_with_different_values()
    {
        var batch = new Wire.LogBatchRequest { RunId = (await NewRun()).Info.RunId };
        batch.Params.Add(new Wire.Param { Key = "p", Value = "1" });
        batch.Params.Add(new Wire.Param { Key = "p", Value = "2" });
        await Rpc.Refuses(StatusCode.InvalidArgument, () => Api.LogBatchAsync(batch).ResponseAsync, "params[1]");
    }

    [Fact]
    public async Task Nested_run_records_its_parent_and_rejects_one_from_another_experiment()
    {
        var e = await NewExperiment();
        var parent = await NewRun(e.ExperimentId);
        var child = await Api.CreateRunAsync(new Wire.CreateRunRequest { ExperimentId = e.ExperimentId, ParentRunId = parent.Info.RunId });
        Assert.Equal(parent.Info.RunId, child.Info.ParentRunId);
        Assert.Contains(child.Tags, t => t.Key == "mlflow.parentRunId" && t.Value == parent.Info.RunId);
        var other = await NewExperiment();
        await Rpc.Refuses(StatusCode.InvalidArgument,
            () => Api.CreateRunAsync(new Wire.CreateRunRequest { ExperimentId = other.ExperimentId, ParentRunId = parent.Info.RunId }).ResponseAsync, "parent_run_id");
        await Rpc.Refuses(StatusCode.NotFound,
            () => Api.CreateRunAsync(new Wire.CreateRunRequest { ExperimentId = e.ExperimentId, ParentRunId = Guid.NewGuid().ToString("N") }).ResponseAsync);
    }

    [Fact]
    public async Task Dataset_inputs_and_code_version_are_recorded_on_the_run()
    {
        var e = await NewExperiment();
        var run = await Api.CreateRunAsync(new Wire.CreateRunRequest
        {
            ExperimentId = e.ExperimentId,
            CodeVersion = new Wire.CodeVersion { SourceName = "train.py", GitCommit = "abc123", SourceType = "LOCAL" },
        });
        var input = new Wire.DatasetInput { Dataset = new Wire.Dataset { Name = "iris", Digest = "d1", SourceType = "local", Source = "/data/iris.parquet", Schema = "{}" } };
        input.Tags.Add(new Wire.Tag { Key = "mlflow.data.context", Value = "training" });
        await Api.LogInputsAsync(new Wire.LogInputsRequest { RunId = run.Info.RunId, Datasets = { input } });
        await Api.LogInputsAsync(new Wire.LogInputsRequest { RunId = run.Info.RunId, Datasets = { input } });
        var fetched = await Api.GetRunAsync(new Wire.GetRunRequest { RunId = run.Info.RunId });
        Assert.Equal("abc123", fetched.Info.CodeVersion.GitCommit);
        Assert.Equal("train.py", fetched.Info.CodeVersion.SourceName);
        var stored = Assert.Single(fetched.Inputs);
        Assert.Equal("iris", stored.Dataset.Name);
        Assert.Equal("training", Assert.Single(stored.Tags).Value);
    }

    [Fact]
    public async Task Dataset_input_without_a_digest_is_refused() =>
        await Rpc.Refuses(StatusCode.InvalidArgument, async () => await Api.LogInputsAsync(new Wire.LogInputsRequest
        {
            RunId = (await NewRun()).Info.RunId,
            Datasets = { new Wire.DatasetInput { Dataset = new Wire.Dataset { Name = "x" } } },
        }), "datasets[0].digest");
}
