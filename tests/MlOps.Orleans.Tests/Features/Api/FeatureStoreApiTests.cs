using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using MlOps.Orleans.Artifacts;
using MlOps.Orleans.Tests.Artifacts;
using MlOps.Orleans.Tests.Infrastructure;
using Feat = MlOps.Orleans.Protos.Features.V1;
using static MlOps.Orleans.Tests.Features.FeatureFrames;
using Track = MlOps.Orleans.Protos.Tracking.V1;

namespace MlOps.Orleans.Tests.Features.Api;

/// <summary>The feature store over real gRPC sockets: declarative apply, versions, offline push and training sets.</summary>
public abstract partial class FeatureStoreApiTests(PlatformFixture platform)
{
    protected Feat.FeatureStoreService.FeatureStoreServiceClient Features { get; } = new(platform.Channel);

    protected IArtifactStore Store => platform.Services.GetRequiredService<IArtifactStore>();

    protected static readonly DateTime Day1 = new(2025, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    protected static Feat.RepositoryFile File(string path, string content) => new() { Path = path, Content = content };

    protected async Task<Feat.PlanResponse> ApplyAsync(FeatureRepo repo, bool withTrips = true, string ttl = "1d", string description = "driver stats")
    {
        var request = new Feat.ApplyRequest();
        request.Files.Add(File("repo/driver.yaml", repo.Yaml(withTrips, ttl, description)));
        return await Features.ApplyAsync(request);
    }

    /// <summary>Trips rows with a tie on event time (created breaks it) and one row per ttl edge case.</summary>
    protected async Task WriteTripsAsync(FeatureRepo repo)
    {
        var local = Path.Combine(Path.GetTempPath(), $"trips-{Guid.NewGuid():N}.parquet");
        try
        {
            ParquetRows.Write(local, "driver_id, conv_rate, trips, event_timestamp, created", [
                "(1::BIGINT, 0.1::DOUBLE, 10::BIGINT, TIMESTAMP '2025-01-01 00:00:00', TIMESTAMP '2025-01-01 00:00:00')",
                "(1, 0.2, 20, TIMESTAMP '2025-01-02 00:00:00', TIMESTAMP '2025-01-02 00:00:00')",
                "(1, 0.25, 25, TIMESTAMP '2025-01-02 00:00:00', TIMESTAMP '2025-01-02 01:00:00')",
                "(2, 0.5, 50, TIMESTAMP '2025-01-01 00:00:00', TIMESTAMP '2025-01-01 00:00:00')",
            ]);
            await using var file = System.IO.File.OpenRead(local);
            await Store.WriteAsync($"{repo.DataFolder}/part-0.parquet", file);
        }
        finally
        {
            System.IO.File.Delete(local);
        }
    }

    /// <summary>The hand-written case: each entity row and what it must get, with the reason beside it.</summary>
    protected static Feat.Frame EntityRows() => Frame(
        Column("driver_id", Feat.ValueType.Int64, I64(1), I64(1), I64(2), I64(2), I64(3), I64(1), I64(1)),
        Column("event_timestamp", Feat.ValueType.Timestamp,
            Ts(Day1.AddDays(1).AddHours(12)),     // tie at day 2 00:00 -> the later-created row (0.25)
            Ts(Day1.AddHours(12)),                // only day 1 is visible -> 0.1
            Ts(Day1.AddDays(1)),                  // exactly ttl (1d) after driver 2's row: inclusive -> 0.5
            Ts(Day1.AddDays(1).AddTicks(10)),     // one microsecond past ttl -> null
            Ts(Day1.AddDays(1)),                  // a key with no rows -> null
            Ts(Day1.AddDays(-1)),                 // before any row -> null
            Ts(Day1.AddDays(1).AddHours(12))),    // a duplicate of the first row -> kept, same values
        Column("bonus", Feat.ValueType.Float64, F64(1), F64(0), F64(0), F64(0), F64(0), F64(0), F64(1)));

    [SkippableFact]
    public async Task Plan_then_apply_creates_everything_and_a_second_plan_changes_nothing()
    {
        var repo = FeatureRepo.New();
        var plan = new Feat.PlanRequest();
        plan.Files.Add(File("repo/driver.yaml", repo.Yaml()));
        var planned = await Features.PlanAsync(plan);
        Assert.Empty(planned.Errors);
        foreach (var name in new[] { repo.Driver, repo.Trips, repo.Push, repo.Stats, repo.Rating, repo.Adjusted, repo.Service })
        {
            Assert.Contains(planned.Changes, c => c.Name == name && c.Action == Feat.PlanAction.Create && c.ToVersion == 1);
        }
        // A plan writes nothing.
        await Rpc.Refuses(StatusCode.NotFound, async () => await Features.GetDefinitionAsync(new() { Kind = Feat.DefinitionKind.FeatureView, Name = repo.Stats }), repo.Stats);

        var applied = await ApplyAsync(repo);
        Assert.True(applied.Revision > planned.Revision);
        var again = await Features.PlanAsync(plan);
        Assert.All(again.Changes.Where(c => c.Name.EndsWith(repo.Stats[^10..], StringComparison.Ordinal)), c => Assert.Equal(Feat.PlanAction.Unchanged, c.Action));

        var view = await Features.GetDefinitionAsync(new() { Kind = Feat.DefinitionKind.FeatureView, Name = repo.Stats });
        Assert.Equal(1, view.Version);
        Assert.Equal(86400, view.FeatureView.TtlSeconds);
        Assert.Equal(["conv_rate", "trips"], view.FeatureView.Schema.Select(f => f.Name));
        Assert.Equal(Feat.ValueType.Int64, view.FeatureView.Schema[1].Type);
        var odfv = await Features.GetDefinitionAsync(new() { Kind = Feat.DefinitionKind.OnDemandFeatureView, Name = repo.Adjusted });
        Assert.Equal("conv_rate + bonus", odfv.OnDemandFeatureView.Outputs[0].Expression);
        var all = await Features.ListDefinitionsAsync(new() { Kind = Feat.DefinitionKind.FeatureView });
        Assert.Contains(all.Definitions, d => d.Name == repo.Rating);
    }

    [SkippableFact]
    public async Task A_schema_change_is_a_new_version_a_description_change_is_not_and_old_versions_stay_readable()
    {
        var repo = FeatureRepo.New();
        await ApplyAsync(repo);
        var described = await ApplyAsync(repo, description: "now with a better description");
        Assert.Contains(described.Changes, c => c.Name == repo.Stats && c.Action == Feat.PlanAction.Update && c.ToVersion == 1);
        var versioned = await ApplyAsync(repo, withTrips: false, description: "now with a better description");
        var change = Assert.Single(versioned.Changes, c => c.Name == repo.Stats);
        Assert.Equal(Feat.PlanAction.NewVersion, change.Action);
        Assert.Equal(2, change.ToVersion);

        var versions = await Features.ListDefinitionVersionsAsync(new() { Kind = Feat.DefinitionKind.FeatureView, Name = repo.Stats });
        Assert.Equal([1, 2], versions.Definitions.Select(d => d.Version));
        Assert.Equal(["conv_rate", "trips"], versions.Definitions[0].FeatureView.Schema.Select(f => f.Name));
        Assert.Equal(["conv_rate"], versions.Definitions[1].FeatureView.Schema.Select(f => f.Name));
        var v1 = await Features.GetDefinitionAsync(new() { Kind = Feat.DefinitionKind.FeatureView, Name = repo.Stats, Version = 1 });
        Assert.Equal(2, v1.FeatureView.Schema.Count);

        // view@1 still serves a training set with the feature that version 2 dropped.
        await WriteTripsAsync(repo);
        var request = new Feat.GetHistoricalFeaturesRequest { EntityRows = EntityRows() };
        request.Features.Add($"{repo.Stats}@1:trips");
        var set = await Features.GetHistoricalFeaturesAsync(request);
        var (columns, rows) = await ParquetRows.ReadAsync(Store, set.ArtifactKey);
        Assert.Equal(["driver_id", "event_timestamp", "bonus", "trips"], columns);
        Assert.Equal(25L, rows[0][3]);
        Assert.Contains(set.Lineage, l => l.Name == repo.Stats && l.Version == 1);
        await Rpc.Refuses(StatusCode.InvalidArgument, async () =>
        {
            var latest = new Feat.GetHistoricalFeaturesRequest { EntityRows = EntityRows() };
            latest.Features.Add($"{repo.Stats}:trips");
            await Features.GetHistoricalFeaturesAsync(latest);
        }, "trips");
    }

    [SkippableFact]
    public async Task Training_set_is_point_in_time_correct_and_the_same_request_gives_the_same_digest()
    {
        var repo = FeatureRepo.New();
        await ApplyAsync(repo);
        await WriteTripsAsync(repo);
        var push = new Feat.PushRequest
        {
            PushSource = repo.Push,
            Rows = Frame(Column("driver_id", Feat.ValueType.Int64, I64(1)), Column("rating", Feat.ValueType.Float64, F64(4.5)),
                Column("event_timestamp", Feat.ValueType.Timestamp, Ts(Day1.AddHours(6)))),
        };
        Assert.Equal(1, (await Features.PushAsync(push)).Rows);

        var request = new Feat.GetHistoricalFeaturesRequest { EntityRows = EntityRows(), DatasetName = $"pit-{repo.Stats}" };
        request.Features.Add($"{repo.Stats}:conv_rate");
        request.Features.Add($"{repo.Stats}:trips");
        request.Features.Add($"{repo.Rating}:rating");
        request.Features.Add($"{repo.Adjusted}:adjusted");
        var set = await Features.GetHistoricalFeaturesAsync(request);
        Assert.Equal(7, set.RowCount);
        Assert.Equal(64, set.Digest.Length);
        var (columns, rows) = await ParquetRows.ReadAsync(Store, set.ArtifactKey);
        Assert.Equal(["driver_id", "event_timestamp", "bonus", "conv_rate", "trips", "rating", "adjusted"], columns);
        object?[][] expected =
        [
            [1L, 0.25, 25L, 4.5, 1.25],
            [1L, 0.1, 10L, 4.5, 0.1],
            [2L, 0.5, 50L, null, 0.5],
            [2L, null, null, null, null],
            [3L, null, null, null, null],
            [1L, null, null, null, null],
            [1L, 0.25, 25L, 4.5, 1.25],
        ];
        for (var i = 0; i < expected.Length; i++)
        {
            Assert.Equal(expected[i], new[] { rows[i][0], rows[i][3], rows[i][4], rows[i][5], rows[i][6] });
        }
        Assert.Equal(set.Schema.Select(f => f.Name), columns);
        Assert.Contains(set.Lineage, l => l.Kind == Feat.DefinitionKind.OnDemandFeatureView && l.Name == repo.Adjusted);

        var again = await Features.GetHistoricalFeaturesAsync(request);
        Assert.Equal(set.Digest, again.Digest);
        Assert.Equal(set.Version, again.Version);
        var listed = await Features.ListTrainingDatasetsAsync(new() { Name = $"pit-{repo.Stats}" });
        Assert.Single(listed.Datasets);

        // Full names, and a feature service instead of refs.
        var byService = new Feat.GetHistoricalFeaturesRequest { EntityRows = EntityRows(), FeatureService = repo.Service, FullFeatureNames = true };
        var serviceSet = await Features.GetHistoricalFeaturesAsync(byService);
        Assert.Equal(repo.Service, serviceSet.Name);
        var (serviceColumns, serviceRows) = await ParquetRows.ReadAsync(Store, serviceSet.ArtifactKey);
        Assert.Equal(["driver_id", "event_timestamp", "bonus", $"{repo.Stats}__conv_rate", $"{repo.Adjusted}__adjusted"], serviceColumns);
        Assert.Equal(1.25, serviceRows[0][4]);
        Assert.Contains(serviceSet.Lineage, l => l.Kind == Feat.DefinitionKind.FeatureService && l.Name == repo.Service);
    }

    [SkippableFact]
    public async Task A_training_set_logged_to_a_run_is_one_of_its_inputs()
    {
        var repo = FeatureRepo.New();
        await ApplyAsync(repo);
        await WriteTripsAsync(repo);
        var request = new Feat.GetHistoricalFeaturesRequest { EntityRows = EntityRows(), FeatureService = repo.Service };
        var set = await Features.GetHistoricalFeaturesAsync(request);
        var experiment = await platform.Tracking.CreateExperimentAsync(new Track.CreateExperimentRequest { Name = $"exp-{repo.Stats}" });
        var run = await platform.Tracking.CreateRunAsync(new Track.CreateRunRequest { ExperimentId = experiment.ExperimentId });
        await Features.LogTrainingDatasetAsync(new() { RunId = run.Info.RunId, Name = set.Name, Version = set.Version, Context = "training" });
        var got = await platform.Tracking.GetRunAsync(new Track.GetRunRequest { RunId = run.Info.RunId });
        var input = Assert.Single(got.Inputs);
        Assert.Equal(set.Digest[..32], input.Dataset.Digest);
        Assert.Contains(set.Digest, input.Dataset.Source, StringComparison.Ordinal);
        Assert.Contains($"feature_view:{repo.Stats}@1", input.Dataset.Source, StringComparison.Ordinal);
        await Rpc.Refuses(StatusCode.NotFound, async () =>
            await Features.LogTrainingDatasetAsync(new() { RunId = run.Info.RunId, Name = set.Name, Version = set.Version + 5 }), set.Name);
    }
}

[Trait("Category", Category.Platform)]
public sealed class SqliteFeatureStoreApiTests(SqlitePlatformFixture platform) : FeatureStoreApiTests(platform), IClassFixture<SqlitePlatformFixture>;

[Trait("Category", Category.Platform)]
public sealed class PostgresFeatureStoreApiTests(PostgresPlatformFixture platform) : FeatureStoreApiTests(platform), IClassFixture<PostgresPlatformFixture>;

[Trait("Category", Category.Platform)]
public sealed class BlobFeatureStoreApiTests(BlobPlatformFixture platform) : FeatureStoreApiTests(platform), IClassFixture<BlobPlatformFixture>;
