using Grpc.Core;
using MlOps.Orleans.Tests.Infrastructure;
using Wire = MlOps.Orleans.Protos.Tracking.V1;

namespace MlOps.Orleans.Tests.Tracking;

/// <summary>The tracking API over real gRPC sockets; every test runs against SQLite and against PostgreSQL.</summary>
public abstract partial class TrackingApiTests(PlatformFixture platform)
{
    protected Wire.TrackingService.TrackingServiceClient Api => platform.Tracking;

    protected static string Unique(string prefix) => $"{prefix}-{Guid.NewGuid():N}";

    protected async Task<Wire.Experiment> NewExperiment(params (string Key, string Value)[] tags)
    {
        var request = new Wire.CreateExperimentRequest { Name = Unique("exp") };
        request.Tags.AddRange(tags.Select(t => new Wire.Tag { Key = t.Key, Value = t.Value }));
        return await Api.CreateExperimentAsync(request);
    }

    protected async Task<Wire.Run> NewRun(string? experimentId = null, long startTime = 0)
    {
        experimentId ??= (await NewExperiment()).ExperimentId;
        return await Api.CreateRunAsync(new Wire.CreateRunRequest { ExperimentId = experimentId, StartTime = startTime });
    }

    [Fact]
    public async Task Default_experiment_0_exists_from_the_first_start()
    {
        var e = await Api.GetExperimentAsync(new Wire.GetExperimentRequest { ExperimentId = "0" });
        Assert.Equal("Default", e.Name);
        Assert.Equal(Wire.LifecycleStage.Active, e.LifecycleStage);
    }

    [Fact]
    public async Task Experiment_is_created_and_found_by_id_and_by_name()
    {
        var created = await NewExperiment(("team", "vision"));
        var byId = await Api.GetExperimentAsync(new Wire.GetExperimentRequest { ExperimentId = created.ExperimentId });
        var byName = await Api.GetExperimentByNameAsync(new Wire.GetExperimentByNameRequest { Name = created.Name });
        Assert.Equal(created.ExperimentId, byName.ExperimentId);
        Assert.Equal("vision", Assert.Single(byId.Tags).Value);
        Assert.Equal($"mlflow-artifacts:/{created.ExperimentId}", byId.ArtifactLocation);
        Assert.True(long.Parse(created.ExperimentId, System.Globalization.CultureInfo.InvariantCulture) > 0);
    }

    [Fact]
    public async Task Experiment_name_must_be_unique()
    {
        var e = await NewExperiment();
        await Rpc.Refuses(StatusCode.AlreadyExists, () => Api.CreateExperimentAsync(new Wire.CreateExperimentRequest { Name = e.Name }).ResponseAsync, e.Name);
    }

    [Theory]
    [InlineData("", "name")]
    [InlineData("   ", "name")]
    public async Task Experiment_create_rejects_a_blank_name(string name, string mention) =>
        await Rpc.Refuses(StatusCode.InvalidArgument, () => Api.CreateExperimentAsync(new Wire.CreateExperimentRequest { Name = name }).ResponseAsync, mention);

    [Fact]
    public async Task Experiment_create_rejects_an_over_long_name() =>
        await Rpc.Refuses(StatusCode.InvalidArgument,
            () => Api.CreateExperimentAsync(new Wire.CreateExperimentRequest { Name = new string('x', 501) }).ResponseAsync, "name", "500");

    [Fact]
    public async Task Experiment_create_rejects_a_bad_tag_key_and_creates_nothing()
    {
        var name = Unique("exp");
        var request = new Wire.CreateExperimentRequest { Name = name };
        request.Tags.Add(new Wire.Tag { Key = "../escape", Value = "x" });
        await Rpc.Refuses(StatusCode.InvalidArgument, () => Api.CreateExperimentAsync(request).ResponseAsync, "tags.key");
        await Rpc.Refuses(StatusCode.NotFound, () => Api.GetExperimentByNameAsync(new Wire.GetExperimentByNameRequest { Name = name }).ResponseAsync);
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("-1")]
    [InlineData("")]
    public async Task Experiment_get_rejects_a_malformed_id(string id) =>
        await Rpc.Refuses(StatusCode.InvalidArgument, () => Api.GetExperimentAsync(new Wire.GetExperimentRequest { ExperimentId = id }).ResponseAsync, "experiment_id");

    [Fact]
    public async Task Experiment_get_of_an_unknown_id_is_not_found() =>
        await Rpc.Refuses(StatusCode.NotFound, () => Api.GetExperimentAsync(new Wire.GetExperimentRequest { ExperimentId = "987654321987" }).ResponseAsync, "987654321987");

    [Fact]
    public async Task Experiment_rename_keeps_the_id_and_frees_the_old_name()
    {
        var e = await NewExperiment();
        var newName = Unique("renamed");
        var renamed = await Api.RenameExperimentAsync(new Wire.RenameExperimentRequest { ExperimentId = e.ExperimentId, NewName = newName });
        Assert.Equal(e.ExperimentId, renamed.ExperimentId);
        Assert.Equal(e.ExperimentId, (await Api.GetExperimentByNameAsync(new Wire.GetExperimentByNameRequest { Name = newName })).ExperimentId);
        await Rpc.Refuses(StatusCode.NotFound, () => Api.GetExperimentByNameAsync(new Wire.GetExperimentByNameRequest { Name = e.Name }).ResponseAsync);
    }

    [Fact]
    public async Task Experiment_rename_to_a_taken_name_is_refused_and_changes_nothing()
    {
        var a = await NewExperiment();
        var b = await NewExperiment();
        await Rpc.Refuses(StatusCode.AlreadyExists, () => Api.RenameExperimentAsync(new Wire.RenameExperimentRequest { ExperimentId = b.ExperimentId, NewName = a.Name }).ResponseAsync);
        Assert.Equal(b.Name, (await Api.GetExperimentAsync(new Wire.GetExperimentRequest { ExperimentId = b.ExperimentId })).Name);
    }

    [Fact]
    public async Task Experiment_tags_are_set_replaced_and_deleted()
    {
        var e = await NewExperiment();
        await Api.SetExperimentTagAsync(new Wire.SetExperimentTagRequest { ExperimentId = e.ExperimentId, Key = "k", Value = "1" });
        var updated = await Api.SetExperimentTagAsync(new Wire.SetExperimentTagRequest { ExperimentId = e.ExperimentId, Key = "k", Value = "2" });
        Assert.Equal("2", Assert.Single(updated.Tags).Value);
        var deleted = await Api.DeleteExperimentTagAsync(new Wire.DeleteExperimentTagRequest { ExperimentId = e.ExperimentId, Key = "k" });
        Assert.Empty(deleted.Tags);
        await Rpc.Refuses(StatusCode.NotFound, () => Api.DeleteExperimentTagAsync(new Wire.DeleteExperimentTagRequest { ExperimentId = e.ExperimentId, Key = "k" }).ResponseAsync, "k");
    }

    [Fact]
    public async Task Experiment_tag_value_over_5000_characters_is_refused() =>
        await Rpc.Refuses(StatusCode.InvalidArgument, async () => await Api.SetExperimentTagAsync(new Wire.SetExperimentTagRequest
        {
            ExperimentId = (await NewExperiment()).ExperimentId, Key = "k", Value = new string('v', 5001),
        }), "value", "5000");

    [Fact]
    public async Task Experiment_delete_and_restore_move_its_lifecycle()
    {
        var e = await NewExperiment();
        Assert.Equal(Wire.LifecycleStage.Deleted, (await Api.DeleteExperimentAsync(new Wire.DeleteExperimentRequest { ExperimentId = e.ExperimentId })).LifecycleStage);
        await Rpc.Refuses(StatusCode.FailedPrecondition, () => Api.CreateRunAsync(new Wire.CreateRunRequest { ExperimentId = e.ExperimentId }).ResponseAsync, "deleted");
        await Rpc.Refuses(StatusCode.FailedPrecondition, () => Api.DeleteExperimentAsync(new Wire.DeleteExperimentRequest { ExperimentId = e.ExperimentId }).ResponseAsync);
        Assert.Equal(Wire.LifecycleStage.Active, (await Api.RestoreExperimentAsync(new Wire.RestoreExperimentRequest { ExperimentId = e.ExperimentId })).LifecycleStage);
        await Rpc.Refuses(StatusCode.FailedPrecondition, () => Api.RestoreExperimentAsync(new Wire.RestoreExperimentRequest { ExperimentId = e.ExperimentId }).ResponseAsync, "active");
    }

    [Fact]
    public async Task Experiment_delete_marks_its_runs_deleted_and_restore_brings_them_back()
    {
        var e = await NewExperiment();
        var runs = new[] { await NewRun(e.ExperimentId), await NewRun(e.ExperimentId) };
        await Api.DeleteExperimentAsync(new Wire.DeleteExperimentRequest { ExperimentId = e.ExperimentId });
        foreach (var r in runs)
            Assert.Equal(Wire.LifecycleStage.Deleted, (await Api.GetRunAsync(new Wire.GetRunRequest { RunId = r.Info.RunId })).Info.LifecycleStage);
        Assert.Empty((await Api.SearchRunsAsync(new Wire.SearchRunsRequest { ExperimentIds = { e.ExperimentId } })).Runs);
        await Api.RestoreExperimentAsync(new Wire.RestoreExperimentRequest { ExperimentId = e.ExperimentId });
        Assert.Equal(2, (await Api.SearchRunsAsync(new Wire.SearchRunsRequest { ExperimentIds = { e.ExperimentId } })).Runs.Count);
    }

    [Fact]
    public async Task Experiment_search_filters_by_name_and_tag_and_pages_without_gaps()
    {
        var prefix = Unique("srch");
        var ids = new List<string>();
        for (var i = 0; i < 7; i++)
        {
            var request = new Wire.CreateExperimentRequest { Name = $"{prefix}-{i}" };
            request.Tags.Add(new Wire.Tag { Key = "parity", Value = i % 2 == 0 ? "even" : "odd" });
            ids.Add((await Api.CreateExperimentAsync(request)).ExperimentId);
        }
        var seen = new List<string>();
        string token = "";
        do
        {
            var page = await Api.SearchExperimentsAsync(new Wire.SearchExperimentsRequest { Filter = $"name LIKE '{prefix}-%'", PageSize = 3, PageToken = token, OrderBy = { "name ASC" } });
            seen.AddRange(page.Experiments.Select(e => e.ExperimentId));
            token = page.NextPageToken;
            // A newcomer while paging (sorting after the cursor) is served once; rows already served are neither shifted nor repeated.
            if (seen.Count == 3) await Api.CreateExperimentAsync(new Wire.CreateExperimentRequest { Name = $"{prefix}-9" });
        }
        while (token.Length > 0);
        Assert.Equal(ids.Count + 1, seen.Count);
        Assert.Equal(seen.Count, seen.Distinct().Count());
        var odd = await Api.SearchExperimentsAsync(new Wire.SearchExperimentsRequest { Filter = $"name LIKE '{prefix}-%' AND tags.parity = 'odd'" });
        Assert.Equal(3, odd.Experiments.Count);
    }

    [Fact]
    public async Task Experiment_search_rejects_a_bad_filter_with_its_position() =>
        await Rpc.Refuses(StatusCode.InvalidArgument,
            () => Api.SearchExperimentsAsync(new Wire.SearchExperimentsRequest { Filter = "name = 'a' OR name = 'b'" }).ResponseAsync, "position");

    [Fact]
    public async Task Experiment_search_sees_deleted_ones_only_when_asked()
    {
        var e = await NewExperiment();
        await Api.DeleteExperimentAsync(new Wire.DeleteExperimentRequest { ExperimentId = e.ExperimentId });
        var filter = $"name = '{e.Name}'";
        Assert.Empty((await Api.SearchExperimentsAsync(new Wire.SearchExperimentsRequest { Filter = filter })).Experiments);
        Assert.Single((await Api.SearchExperimentsAsync(new Wire.SearchExperimentsRequest { Filter = filter, ViewType = Wire.ViewType.DeletedOnly })).Experiments);
        Assert.Single((await Api.SearchExperimentsAsync(new Wire.SearchExperimentsRequest { Filter = filter, ViewType = Wire.ViewType.All })).Experiments);
    }
}

[Collection("sqlite-platform")]
[Trait("Category", Category.Platform)]
public sealed class SqliteTrackingApiTests(SqlitePlatformFixture platform) : TrackingApiTests(platform), IClassFixture<SqlitePlatformFixture>;

[Collection("postgres-platform")]
[Trait("Category", Category.Platform)]
public sealed class PostgresTrackingApiTests(PostgresPlatformFixture platform) : TrackingApiTests(platform), IClassFixture<PostgresPlatformFixture>;
