using Grpc.Core;
using MlOps.Orleans.Tests.Infrastructure;
using Reg = MlOps.Orleans.Protos.Registry.V1;
using Wire = MlOps.Orleans.Protos.Tracking.V1;

namespace MlOps.Orleans.Tests.Registry;

public abstract partial class RegistryApiTests
{
    [Fact]
    public async Task Alias_is_set_resolved_moved_and_deleted()
    {
        var model = await NewModel();
        var runId = await RunWithPackage();
        await Register(model, runId);
        await Register(model, runId);
        await Registry.SetAliasAsync(new Reg.SetAliasRequest { Name = model, Alias = "champion", Version = 1 });
        Assert.Equal(1, (await Registry.GetModelVersionByAliasAsync(new Reg.GetModelVersionByAliasRequest { Name = model, Alias = "champion" })).Version);
        await Registry.SetAliasAsync(new Reg.SetAliasRequest { Name = model, Alias = "champion", Version = 2 });
        var byUri = await Registry.GetModelVersionAsync(new Reg.GetModelVersionRequest { ModelUri = $"models:/{model}@champion" });
        Assert.Equal(2, byUri.Version);
        Assert.Contains("champion", byUri.Aliases);
        Assert.Equal(2, (await Registry.GetModelVersionAsync(new Reg.GetModelVersionRequest { ModelUri = $"models:/{model}/2" })).Version);
        await Registry.DeleteAliasAsync(new Reg.DeleteAliasRequest { Name = model, Alias = "champion" });
        await Rpc.Refuses(StatusCode.NotFound, () => Registry.GetModelVersionByAliasAsync(new Reg.GetModelVersionByAliasRequest { Name = model, Alias = "champion" }).ResponseAsync, "champion");
    }

    [Theory]
    [InlineData("latest")]
    [InlineData("v3")]
    [InlineData("V12")]
    [InlineData("has space")]
    [InlineData("")]
    public async Task Alias_that_reads_as_a_version_or_breaks_the_rules_is_refused(string alias)
    {
        var model = await NewModel();
        await Register(model, await RunWithPackage());
        await Rpc.Refuses(StatusCode.InvalidArgument, () => Registry.SetAliasAsync(new Reg.SetAliasRequest { Name = model, Alias = alias, Version = 1 }).ResponseAsync, "alias");
    }

    [Fact]
    public async Task Alias_to_a_missing_version_is_not_found()
    {
        var model = await NewModel();
        await Rpc.Refuses(StatusCode.NotFound, () => Registry.SetAliasAsync(new Reg.SetAliasRequest { Name = model, Alias = "x", Version = 3 }).ResponseAsync, "3");
    }

    [Fact]
    public async Task Stage_transition_archives_existing_and_latest_versions_follow()
    {
        var model = await NewModel();
        var runId = await RunWithPackage();
        for (var i = 0; i < 3; i++) await Register(model, runId);
        await Registry.TransitionModelVersionStageAsync(new Reg.TransitionModelVersionStageRequest { Name = model, Version = 1, Stage = Reg.Stage.Production });
        await Registry.TransitionModelVersionStageAsync(new Reg.TransitionModelVersionStageRequest { Name = model, Version = 2, Stage = Reg.Stage.Production, ArchiveExistingVersions = true });
        Assert.Equal(Reg.Stage.Archived, (await Registry.GetModelVersionAsync(new Reg.GetModelVersionRequest { Name = model, Version = 1 })).CurrentStage);
        var latest = await Registry.GetLatestVersionsAsync(new Reg.GetLatestVersionsRequest { Name = model, Stages = { Reg.Stage.Production } });
        Assert.Equal(2, Assert.Single(latest.ModelVersions).Version);
        var all = await Registry.GetLatestVersionsAsync(new Reg.GetLatestVersionsRequest { Name = model });
        Assert.Equal([1L, 2L, 3L], all.ModelVersions.Select(v => v.Version).Order());
    }

    [Fact]
    public async Task Tags_on_models_and_versions_are_set_and_deleted()
    {
        var model = await NewModel();
        await Register(model, await RunWithPackage());
        await Registry.SetRegisteredModelTagAsync(new Reg.SetRegisteredModelTagRequest { Name = model, Key = "team", Value = "ml" });
        await Registry.SetModelVersionTagAsync(new Reg.SetModelVersionTagRequest { Name = model, Version = 1, Key = "validated", Value = "yes" });
        Assert.Contains((await Registry.GetRegisteredModelAsync(new Reg.GetRegisteredModelRequest { Name = model })).Tags, t => t.Key == "team");
        Assert.Contains((await Registry.GetModelVersionAsync(new Reg.GetModelVersionRequest { Name = model, Version = 1 })).Tags, t => t.Key == "validated");
        var found = await Registry.SearchRegisteredModelsAsync(new Reg.SearchRegisteredModelsRequest { Filter = $"name = '{model}' AND tags.team = 'ml'" });
        Assert.Single(found.RegisteredModels);
        await Registry.DeleteModelVersionTagAsync(new Reg.DeleteModelVersionTagRequest { Name = model, Version = 1, Key = "validated" });
        await Rpc.Refuses(StatusCode.NotFound, () => Registry.DeleteModelVersionTagAsync(new Reg.DeleteModelVersionTagRequest { Name = model, Version = 1, Key = "validated" }).ResponseAsync);
        await Registry.DeleteRegisteredModelTagAsync(new Reg.DeleteRegisteredModelTagRequest { Name = model, Key = "team" });
    }

    [Fact]
    public async Task Search_finds_models_by_name_pattern_and_versions_by_run()
    {
        var prefix = Unique("srch");
        var runId = await RunWithPackage();
        for (var i = 0; i < 3; i++)
        {
            await Registry.CreateRegisteredModelAsync(new Reg.CreateRegisteredModelRequest { Name = $"{prefix}-{i}" });
            await Register($"{prefix}-{i}", runId);
        }
        var seen = new List<string>();
        var token = "";
        do
        {
            var page = await Registry.SearchRegisteredModelsAsync(new Reg.SearchRegisteredModelsRequest { Filter = $"name LIKE '{prefix}-%'", MaxResults = 2, PageToken = token });
            seen.AddRange(page.RegisteredModels.Select(m => m.Name));
            token = page.NextPageToken;
        }
        while (token.Length > 0);
        Assert.Equal([$"{prefix}-0", $"{prefix}-1", $"{prefix}-2"], seen);
        var versions = await Registry.SearchModelVersionsAsync(new Reg.SearchModelVersionsRequest { Filter = $"run_id = '{runId}'" });
        Assert.Equal(3, versions.ModelVersions.Count);
        var fromRun = await Registry.GetRunModelVersionsAsync(new Reg.GetRunModelVersionsRequest { RunId = runId });
        Assert.Equal(3, fromRun.ModelVersions.Count);
        await Rpc.Refuses(StatusCode.InvalidArgument, () => Registry.SearchModelVersionsAsync(new Reg.SearchModelVersionsRequest { Filter = "bogus = 1" }).ResponseAsync, "position");
    }

    [Fact]
    public async Task Lineage_links_version_run_inputs_code_and_experiment()
    {
        var model = await NewModel();
        var runId = await RunWithPackage();
        var input = new Wire.DatasetInput { Dataset = new Wire.Dataset { Name = "train", Digest = "abc", Source = "s", SourceType = "local" } };
        await Tracking.LogInputsAsync(new Wire.LogInputsRequest { RunId = runId, Datasets = { input } });
        await Tracking.SetRunTagAsync(new Wire.SetRunTagRequest { RunId = runId, Key = "mlflow.source.git.commit", Value = "deadbeef" });
        await Register(model, runId);
        var lineage = await Registry.GetModelVersionLineageAsync(new Reg.GetModelVersionRequest { Name = model, Version = 1 });
        Assert.Equal(runId, lineage.Run.Info.RunId);
        Assert.Equal("train", Assert.Single(lineage.Run.Inputs).Dataset.Name);
        Assert.Equal("deadbeef", lineage.Run.Info.CodeVersion.GitCommit);
        Assert.Equal(lineage.Run.Info.ExperimentId, lineage.Experiment.ExperimentId);
    }

    [Fact]
    public async Task Subscriber_sees_version_and_alias_events()
    {
        var model = await NewModel();
        var runId = await RunWithPackage();
        using var call = Registry.SubscribeModelEvents(new Reg.SubscribeModelEventsRequest { Name = model });
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var next = call.ResponseStream.MoveNext(timeout.Token);
        // The subscription is live once the server has subscribed: keep changing the model until an event arrives.
        while (!next.IsCompleted)
        {
            await Registry.SetRegisteredModelTagAsync(new Reg.SetRegisteredModelTagRequest { Name = model, Key = "k", Value = "v" });
            await Register(model, runId);
            await Task.WhenAny(next, Task.Delay(200, timeout.Token));
        }
        Assert.True(await next);
        await Registry.SetAliasAsync(new Reg.SetAliasRequest { Name = model, Alias = "live", Version = 1 });
        while (await call.ResponseStream.MoveNext(timeout.Token))
            if (call.ResponseStream.Current is { Kind: "alias_set", Alias: "live" }) return;
        Assert.Fail("no alias_set event");
    }
}
