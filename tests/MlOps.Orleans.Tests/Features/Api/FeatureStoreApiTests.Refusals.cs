using Grpc.Core;
using MlOps.Orleans.Tests.Infrastructure;
using Feat = MlOps.Orleans.Protos.Features.V1;
using static MlOps.Orleans.Tests.Features.FeatureFrames;

namespace MlOps.Orleans.Tests.Features.Api;

/// <summary>Every refusal names its problem and changes nothing.</summary>
public abstract partial class FeatureStoreApiTests
{
    [SkippableFact]
    public async Task A_bad_repository_is_refused_whole_naming_file_object_and_reason()
    {
        var repo = FeatureRepo.New();
        await ApplyAsync(repo);
        var before = await Features.ListDefinitionsAsync(new() { IncludeRemoved = true });

        var bad = repo.Yaml().Replace($"entities: [{repo.Driver}]\n    source: {repo.Trips}", $"entities: [nobody_{repo.Driver}]\n    source: {repo.Trips}", StringComparison.Ordinal)
            .Replace("ttl: 1d", "ttl: -5m", StringComparison.Ordinal);
        Assert.NotEqual(repo.Yaml(), bad);
        var request = new Feat.ApplyRequest();
        request.Files.Add(File("repo/driver.yaml", bad));
        request.Files.Add(File("repo/extra.yaml", $"feature_views:\n  - name: sneaky_{repo.Stats}\n    entities: [{repo.Driver}]\n    sources: [{repo.Trips}]\n" +
            "    sql: \"SELECT * FROM read_csv('/etc/passwd')\"\n    schema: [{name: conv_rate, type: float64}]\n"));
        var e = await Rpc.Refuses(StatusCode.InvalidArgument, async () => await Features.ApplyAsync(request), "repo/driver.yaml", $"nobody_{repo.Driver}", "ttl", "repo/extra.yaml");

        var plan = new Feat.PlanRequest();
        plan.Files.AddRange(request.Files);
        var planned = await Features.PlanAsync(plan);
        Assert.Contains(planned.Errors, x => x.File == "repo/driver.yaml" && x.Object == repo.Stats && x.Reason.Contains($"nobody_{repo.Driver}", StringComparison.Ordinal));
        Assert.Contains(planned.Errors, x => x.Object == repo.Stats && x.Reason.Contains("ttl", StringComparison.OrdinalIgnoreCase));
        Assert.Contains(planned.Errors, x => x.File == "repo/extra.yaml" && x.Object == $"sneaky_{repo.Stats}");
        Assert.Empty(planned.Changes);

        var after = await Features.ListDefinitionsAsync(new() { IncludeRemoved = true });
        Assert.Equal(before.Definitions.Select(d => (d.Name, d.Version, d.Revision)), after.Definitions.Select(d => (d.Name, d.Version, d.Revision)));
        Assert.NotNull(e);
    }

    [SkippableFact]
    public async Task A_sql_view_hiding_a_second_statement_is_refused_and_nothing_changes()
    {
        var repo = FeatureRepo.New();
        await ApplyAsync(repo);
        var before = await Features.ListDefinitionsAsync(new() { IncludeRemoved = true });
        // The old text scanner took the quote inside $$'$$ for the start of a string running to the final --', so it
        // accepted this view and the ATTACH after the breakout ran at binding. DuckDB's parser reads it as a stray ')'.
        var sql = $"SELECT driver_id, event_timestamp, created, conv_rate, $$'$$ AS pad FROM {repo.Trips}) AS q; " +
                  "ATTACH ':memory:' AS smuggled; SELECT * FROM (SELECT 1 AS y --'";
        var request = new Feat.ApplyRequest();
        request.Files.Add(File("repo/driver.yaml", repo.Yaml()));
        request.Files.Add(File("repo/sneaky.yaml", $"feature_views:\n  - name: sneaky_{repo.Stats}\n    entities: [{repo.Driver}]\n    sources: [{repo.Trips}]\n" +
            $"    sql: \"{sql}\"\n    schema: [{{name: conv_rate, type: float64}}]\n"));

        await Rpc.Refuses(StatusCode.InvalidArgument, async () => await Features.ApplyAsync(request),
            "repo/sneaky.yaml", $"sneaky_{repo.Stats}", "the SQL does not parse: syntax error at or near \")\"");

        var after = await Features.ListDefinitionsAsync(new() { IncludeRemoved = true });
        Assert.Equal(before.Definitions.Select(d => (d.Name, d.Version, d.Revision)), after.Definitions.Select(d => (d.Name, d.Version, d.Revision)));
    }

    [SkippableFact]
    public async Task Yaml_syntax_errors_unknown_keys_and_empty_requests_are_refused()
    {
        var syntax = new Feat.ApplyRequest();
        syntax.Files.Add(File("broken.yaml", "entities:\n  - name: [unclosed\n"));
        await Rpc.Refuses(StatusCode.InvalidArgument, async () => await Features.ApplyAsync(syntax), "broken.yaml");
        var unknownKey = new Feat.ApplyRequest();
        unknownKey.Files.Add(File("keys.yaml", "entities:\n  - name: e1\n    join_keys: [{name: id, type: int64}]\n    colour: blue\n"));
        await Rpc.Refuses(StatusCode.InvalidArgument, async () => await Features.ApplyAsync(unknownKey), "keys.yaml", "colour");
        await Rpc.Refuses(StatusCode.InvalidArgument, async () => await Features.ApplyAsync(new Feat.ApplyRequest()), "file");
        await Rpc.Refuses(StatusCode.InvalidArgument, async () => await Features.PlanAsync(new Feat.PlanRequest()), "file");
        var negative = new Feat.ApplyRequest { ExpectedRevision = -1 };
        negative.Files.Add(File("a.yaml", "entities: []\n"));
        await Rpc.Refuses(StatusCode.InvalidArgument, async () => await Features.ApplyAsync(negative), "expected_revision");
    }

    [SkippableFact]
    public async Task An_apply_against_a_stale_revision_is_refused()
    {
        var repo = FeatureRepo.New();
        var first = await ApplyAsync(repo);
        var request = new Feat.ApplyRequest { ExpectedRevision = first.Revision - 1 };
        request.Files.Add(File("repo/driver.yaml", repo.Yaml(statsDescription: "changed")));
        await Rpc.Refuses(StatusCode.FailedPrecondition, async () => await Features.ApplyAsync(request), "plan again");
        var view = await Features.GetDefinitionAsync(new() { Kind = Feat.DefinitionKind.FeatureView, Name = repo.Stats });
        Assert.Equal("driver stats", view.FeatureView.Description);
        request.ExpectedRevision = first.Revision;
        await Features.ApplyAsync(request);
        Assert.Equal("changed", (await Features.GetDefinitionAsync(new() { Kind = Feat.DefinitionKind.FeatureView, Name = repo.Stats })).FeatureView.Description);
    }

    [SkippableFact]
    public async Task Definition_reads_refuse_bad_arguments()
    {
        await Rpc.Refuses(StatusCode.InvalidArgument, async () => await Features.GetDefinitionAsync(new() { Name = "x" }), "kind");
        await Rpc.Refuses(StatusCode.InvalidArgument, async () => await Features.GetDefinitionAsync(new() { Kind = Feat.DefinitionKind.Entity }), "name");
        await Rpc.Refuses(StatusCode.InvalidArgument, async () => await Features.GetDefinitionAsync(new() { Kind = Feat.DefinitionKind.Entity, Name = "x", Version = -1 }), "version");
        await Rpc.Refuses(StatusCode.InvalidArgument, async () => await Features.GetDefinitionAsync(new() { Kind = (Feat.DefinitionKind)42, Name = "x" }), "kind");
        await Rpc.Refuses(StatusCode.NotFound, async () => await Features.GetDefinitionAsync(new() { Kind = Feat.DefinitionKind.Entity, Name = "never-defined" }), "never-defined");
        await Rpc.Refuses(StatusCode.NotFound, async () => await Features.ListDefinitionVersionsAsync(new() { Kind = Feat.DefinitionKind.Entity, Name = "never-defined" }), "never-defined");
        await Rpc.Refuses(StatusCode.NotFound, async () => await Features.GetTrainingDatasetAsync(new() { Name = "never-made" }), "never-made");
        await Rpc.Refuses(StatusCode.InvalidArgument, async () => await Features.GetTrainingDatasetAsync(new()), "name");
        await Rpc.Refuses(StatusCode.InvalidArgument, async () => await Features.ListTrainingDatasetsAsync(new() { MaxResults = -1 }), "max_results");
    }

    [SkippableFact]
    public async Task Bad_pushes_are_refused_with_row_and_column_and_write_nothing()
    {
        var repo = FeatureRepo.New();
        await ApplyAsync(repo);
        Feat.PushRequest Push(params Feat.Column[] columns) => new() { PushSource = repo.Push, Rows = Frame(columns) };
        var key = Column("driver_id", Feat.ValueType.Int64, I64(1), I64(2));
        var ts = Column("event_timestamp", Feat.ValueType.Timestamp, Ts(Day1), Ts(Day1));
        var rating = Column("rating", Feat.ValueType.Float64, F64(1), F64(2));

        await Rpc.Refuses(StatusCode.InvalidArgument, async () => await Features.PushAsync(Push(key, ts, rating, Column("colour", Feat.ValueType.String, new Feat.Value { StringVal = "a" }, new Feat.Value()))), "colour");
        await Rpc.Refuses(StatusCode.InvalidArgument, async () => await Features.PushAsync(Push(Column("driver_id", Feat.ValueType.Int64, I64(1), new Feat.Value()), ts, rating)), "row 1", "driver_id");
        await Rpc.Refuses(StatusCode.InvalidArgument, async () => await Features.PushAsync(Push(key, ts, Column("rating", Feat.ValueType.Float64, F64(1), new Feat.Value { StringVal = "x" }))), "row 1", "rating");
        await Rpc.Refuses(StatusCode.InvalidArgument, async () => await Features.PushAsync(Push(key, ts, Column("rating", Feat.ValueType.String, new Feat.Value { StringVal = "x" }, new Feat.Value { StringVal = "y" }))), "rating", "float64");
        await Rpc.Refuses(StatusCode.InvalidArgument, async () => await Features.PushAsync(Push(key, ts, Column("rating", Feat.ValueType.Float64, F64(1)))), "rating");
        await Rpc.Refuses(StatusCode.InvalidArgument, async () => await Features.PushAsync(Push(ts, rating)), "driver_id");
        await Rpc.Refuses(StatusCode.InvalidArgument, async () => await Features.PushAsync(Push(key, rating)), "event_timestamp");
        await Rpc.Refuses(StatusCode.InvalidArgument, async () => await Features.PushAsync(Push()), "no rows");
        await Rpc.Refuses(StatusCode.InvalidArgument, async () => await Features.PushAsync(new Feat.PushRequest { Rows = Frame(key, ts, rating) }), "push_source");
        await Rpc.Refuses(StatusCode.NotFound, async () => await Features.PushAsync(new Feat.PushRequest { PushSource = "nowhere", Rows = Frame(key, ts, rating) }), "nowhere");
        await Rpc.Refuses(StatusCode.FailedPrecondition, async () => await Features.PushAsync(new Feat.PushRequest { PushSource = repo.Trips, Rows = Frame(key, ts, rating) }), repo.Trips);
        Assert.False(await Store.ExistsAsync($"feature-store/push/{repo.Push}"));

        var ok = await Features.PushAsync(Push(key, ts, rating));
        Assert.Equal(2, ok.Rows);
        Assert.True(await Store.ExistsAsync($"feature-store/push/{repo.Push}"));
    }

    [SkippableFact]
    public async Task Bad_training_set_requests_are_refused_and_register_nothing()
    {
        var repo = FeatureRepo.New();
        await ApplyAsync(repo);
        await WriteTripsAsync(repo);
        Feat.GetHistoricalFeaturesRequest Request(Feat.Frame? rows = null, params string[] features)
        {
            var r = new Feat.GetHistoricalFeaturesRequest { EntityRows = rows ?? EntityRows(), DatasetName = $"bad-{repo.Stats}" };
            r.Features.AddRange(features);
            return r;
        }
        var good = $"{repo.Stats}:conv_rate";
        await Rpc.Refuses(StatusCode.InvalidArgument, async () => await Features.GetHistoricalFeaturesAsync(new() { DatasetName = "x" }), "entity");
        await Rpc.Refuses(StatusCode.InvalidArgument, async () => await Features.GetHistoricalFeaturesAsync(Request()), "feature");
        var both = Request(null, good);
        both.FeatureService = repo.Service;
        await Rpc.Refuses(StatusCode.InvalidArgument, async () => await Features.GetHistoricalFeaturesAsync(both), "not both");
        await Rpc.Refuses(StatusCode.NotFound, async () => await Features.GetHistoricalFeaturesAsync(Request(null, "nope:conv_rate")), "nope");
        await Rpc.Refuses(StatusCode.InvalidArgument, async () => await Features.GetHistoricalFeaturesAsync(Request(null, $"{repo.Stats}:nope")), "nope");
        await Rpc.Refuses(StatusCode.InvalidArgument, async () => await Features.GetHistoricalFeaturesAsync(Request(null, "no-colon")), "view:feature");
        await Rpc.Refuses(StatusCode.InvalidArgument, async () => await Features.GetHistoricalFeaturesAsync(Request(null, $"{repo.Stats}@x:conv_rate")), "version");
        await Rpc.Refuses(StatusCode.NotFound, async () => await Features.GetHistoricalFeaturesAsync(Request(null, $"{repo.Stats}@9:conv_rate")), "version 9");
        await Rpc.Refuses(StatusCode.InvalidArgument, async () => await Features.GetHistoricalFeaturesAsync(Request(
            Frame(Column("driver_id", Feat.ValueType.Int64, I64(1))), good)), "event_timestamp");
        await Rpc.Refuses(StatusCode.InvalidArgument, async () => await Features.GetHistoricalFeaturesAsync(Request(
            Frame(Column("driver_id", Feat.ValueType.Int64, I64(1)), Column("event_timestamp", Feat.ValueType.Int64, I64(1))), good)), "event_timestamp", "timestamp");
        await Rpc.Refuses(StatusCode.InvalidArgument, async () => await Features.GetHistoricalFeaturesAsync(Request(
            Frame(Column("driver_id", Feat.ValueType.Int64, I64(1)), Column("event_timestamp", Feat.ValueType.Timestamp, new Feat.Value())), good)), "row 0", "null");
        await Rpc.Refuses(StatusCode.InvalidArgument, async () => await Features.GetHistoricalFeaturesAsync(Request(
            Frame(Column("rider_id", Feat.ValueType.Int64, I64(1)), Column("event_timestamp", Feat.ValueType.Timestamp, Ts(Day1))), good)), "driver_id");
        await Rpc.Refuses(StatusCode.InvalidArgument, async () => await Features.GetHistoricalFeaturesAsync(Request(
            Frame(Column("driver_id", Feat.ValueType.Int64, I64(1)), Column("event_timestamp", Feat.ValueType.Timestamp, Ts(Day1)), Column("conv_rate", Feat.ValueType.Float64, F64(1))), good)), "conv_rate");
        await Rpc.Refuses(StatusCode.InvalidArgument, async () => await Features.GetHistoricalFeaturesAsync(Request(
            Frame(Column("driver_id", Feat.ValueType.Int64, I64(1)), Column("event_timestamp", Feat.ValueType.Timestamp, Ts(Day1))), $"{repo.Adjusted}:adjusted")), "bonus");
        var bad = Request(null, good);
        bad.DatasetName = "../escape";
        await Rpc.Refuses(StatusCode.InvalidArgument, async () => await Features.GetHistoricalFeaturesAsync(bad), "dataset name");
        await Rpc.Refuses(StatusCode.InvalidArgument, async () => await Features.GetHistoricalFeaturesAsync(new() { EntityDataset = "../../etc/passwd.csv", DatasetName = "x", Features = { good } }), "entity_dataset");
        await Rpc.Refuses(StatusCode.InvalidArgument, async () => await Features.GetHistoricalFeaturesAsync(new() { EntityDataset = "data/rows.json", DatasetName = "x", Features = { good } }), ".parquet");
        await Rpc.Refuses(StatusCode.NotFound, async () => await Features.GetHistoricalFeaturesAsync(new() { EntityDataset = "nowhere/rows.parquet", DatasetName = "x", Features = { good } }), "nowhere/rows.parquet");
        await Rpc.Refuses(StatusCode.InvalidArgument, async () => await Features.GetHistoricalFeaturesAsync(new()
        {
            EntityRows = Frame(Column("driver_id", Feat.ValueType.Int64, I64(1), I64(2)), Column("event_timestamp", Feat.ValueType.Timestamp, Ts(Day1))),
            Features = { good },
        }), "driver_id", "values");

        Assert.Empty((await Features.ListTrainingDatasetsAsync(new() { Name = $"bad-{repo.Stats}" })).Datasets);
        Assert.False(await Store.ExistsAsync($"feature-store/training-sets/bad-{repo.Stats}"));
    }

    [SkippableFact]
    public async Task Sources_outside_the_configured_roots_are_refused_at_apply()
    {
        var request = new Feat.ApplyRequest();
        request.Files.Add(File("roots.yaml", """
            sources:
              - name: passwd
                path: file:/etc/passwd
                format: csv
                timestamp_field: ts
            """));
        await Rpc.Refuses(StatusCode.InvalidArgument, async () => await Features.ApplyAsync(request), "roots.yaml", "passwd");
        var escape = new Feat.ApplyRequest();
        escape.Files.Add(File("escape.yaml", """
            sources:
              - name: escape
                path: artifacts:../../catalog.db
                timestamp_field: ts
            """));
        await Rpc.Refuses(StatusCode.InvalidArgument, async () => await Features.ApplyAsync(escape), "escape.yaml", "escape");
    }
}
