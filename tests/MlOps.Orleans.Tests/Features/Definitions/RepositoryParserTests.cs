using MlOps.Orleans.Contracts.Features;
using MlOps.Orleans.Features.Definitions;
using MlOps.Orleans.Tests.Infrastructure;

namespace MlOps.Orleans.Tests.Features.Definitions;

/// <summary>YAML to specs: every field, defaults and inheritance, and every shape error with its file, object and position.</summary>
[Trait("Category", Category.Unit)]
public sealed class RepositoryParserTests
{
    [Fact]
    public void The_sample_repository_parses_without_errors()
    {
        var parsed = RepositoryYaml.Parse();
        Assert.Empty(parsed.Errors);
        var repo = parsed.Repository;
        Assert.Equal(["driver", "customer"], repo.Entities.Select(e => e.Name));
        Assert.Equal(["driver_stats", "customer_profile", "driver_push"], repo.Sources.Select(s => s.Name));
        Assert.Equal(["driver_hourly_stats", "customer_stats", "driver_daily", "driver_speed"], repo.FeatureViews.Select(v => v.Name));
        Assert.Equal("main.yaml", parsed.FileOf(repo.Entities[0]));
        Assert.Equal("derived.yaml", parsed.FileOf(repo.OnDemandViews[0]));
        Assert.Equal("", parsed.FileOf(SampleSpecs.View()));

        var driver = repo.Entities[0];
        Assert.Equal("A driver", driver.Description);
        Assert.Equal([new FieldSpec("driver_id", FeatureValueType.Int64)], driver.JoinKeys);

        var stats = repo.Sources[0];
        Assert.False(stats.IsPush);
        Assert.Equal(SourceFormat.Parquet, stats.Format);
        Assert.True(stats.HivePartitioning);
        Assert.Equal("created", stats.CreatedTimestampField);
        Assert.Equal(6, stats.Schema.Count);
        var profile = repo.Sources[1];
        Assert.Equal(SourceFormat.Csv, profile.Format);
        Assert.Equal("event_timestamp", profile.TimestampField);
        Assert.Empty(profile.Schema);
        Assert.True(repo.Sources[2].IsPush);
        Assert.Equal("", repo.Sources[2].Path);

        var hourly = repo.FeatureViews[0];
        Assert.Equal(TimeSpan.FromDays(1), hourly.Ttl);
        Assert.Equal("event_timestamp", hourly.TimestampField); // inherited from the source
        Assert.Equal("created", hourly.CreatedTimestampField);
        Assert.True(hourly.Online);
        Assert.Equal("team@x", hourly.Owner);
        Assert.Equal("drivers", hourly.Tags["team"]);
        Assert.Equal("conversion rate", hourly.Schema[0].Description);
        Assert.Null(repo.FeatureViews[1].Ttl);
        Assert.Equal("main.yaml", parsed.FileOf(hourly));

        var daily = repo.FeatureViews[2];
        Assert.Equal(["driver_stats"], daily.Sources);
        Assert.StartsWith("SELECT driver_id", daily.Sql, StringComparison.Ordinal);
        Assert.Equal("event_timestamp", daily.TimestampField);
        Assert.Equal(TimeSpan.FromDays(2), daily.Ttl);
        Assert.Equal("ts", repo.FeatureViews[3].TimestampField);

        var ratios = repo.OnDemandViews[0];
        Assert.Equal(["driver_hourly_stats", "driver_daily"], ratios.Inputs);
        Assert.Equal("ifnull(trips / n, 0)", ratios.Outputs[1].Expression);
        Assert.Equal(FeatureValueType.Float64, ratios.Outputs[1].Field.Type);

        var service = repo.Services[0];
        Assert.Equal("ml@x", service.Owner);
        Assert.Equal(["conv_rate", "acc_rate"], service.Projections[0].Features);
        Assert.Empty(service.Projections[1].Features);
        Assert.Equal(("driver_daily", 1), (service.Projections[2].View, service.Projections[2].Version!.Value));
    }

    [Fact]
    public void Sections_may_be_spread_over_files_and_documents_and_empty_files_are_fine()
    {
        var parsed = RepositoryParser.Parse(
        [
            new("a.yaml", "entities:\n  - name: a\n    join_keys: [{name: k, type: int32}]\n---\nentities:\n  - name: b\n    join_keys: [{name: k, type: int32}]\n"),
            new("b.yaml", ""),
            new("c.yaml", "# only a comment\n"),
            new("d.yaml", "entities:\nfeature_services: []\n"),
            new("e.yaml", "feature_services:\n  - name: s\n    features: [v, w@v3, {x: \"*\"}, {y: []}, {z: f}]\n"),
        ]);
        Assert.Empty(parsed.Errors);
        Assert.Equal(["a", "b"], parsed.Repository.Entities.Select(e => e.Name));
        var projections = parsed.Repository.Services[0].Projections;
        Assert.Equal(["v", "w", "x", "y", "z"], projections.Select(p => p.View));
        Assert.Equal(3, projections[1].Version);
        Assert.All(projections.Take(4), p => Assert.Empty(p.Features));
        Assert.Equal(["f"], projections[4].Features);
    }

    public static TheoryData<string, DefinitionKind, string, string> Rejections => new()
    {
        { "entities: [\n  {name: a\n", default, "", "YAML syntax error" },
        { "entities:\n  - name: a\n    name: b\n", default, "", "Duplicate key" },
        { "- just a list\n", default, "", "must be a mapping with the lists" },
        { "entitys: []\n", default, "", "line 1, column 1: unknown top-level key 'entitys'" },
        { "entities: {name: a}\n", DefinitionKind.Entity, "", "'entities' must be a list" },
        { "entities: [driver]\n", DefinitionKind.Entity, "entities[1]", "must be a mapping" },
        { "entities:\n  - join_keys: [{name: k, type: int64}]\n", DefinitionKind.Entity, "entities[1]", "'name' is required" },
        { "entities:\n  - name: e\n    join_keys: [{name: k, type: int64}]\n    join_key: k\n", DefinitionKind.Entity, "e", "line 4, column 5: unknown key 'join_key' in entity 'e'" },
        { "entities:\n  - name: e\n", DefinitionKind.Entity, "e", "'join_keys' is required" },
        { "entities:\n  - name: e\n    join_keys: k\n", DefinitionKind.Entity, "e", "'join_keys' must be a list" },
        { "entities:\n  - name: e\n    join_keys: [k]\n", DefinitionKind.Entity, "e", "an item of 'join_keys' must be a mapping" },
        { "entities:\n  - name: e\n    join_keys: [{name: k, type: decimal}]\n", DefinitionKind.Entity, "e", "unknown type 'decimal'" },
        { "entities:\n  - name: e\n    join_keys: [{name: k}]\n", DefinitionKind.Entity, "e", "'type' is required" },
        { "entities:\n  - name: e\n    join_keys: [{name: k, type: int64, nullable: true}]\n", DefinitionKind.Entity, "e", "unknown key 'nullable'" },
        { "entities:\n  - name: [e]\n    join_keys: [{name: k, type: int64}]\n", DefinitionKind.Entity, "entities[1]", "'name' must be a single value, not a list" },
        { "entities:\n  - name: e\n    join_keys: [{name: k, type: int64}]\n    tags: [a]\n", DefinitionKind.Entity, "e", "'tags' must be a mapping" },
        { "sources:\n  - name: s\n    path: artifacts:x/*.json\n", DefinitionKind.DataSource, "s", "cannot tell the format" },
        { "sources:\n  - name: s\n    path: artifacts:x/*\n    format: json\n", DefinitionKind.DataSource, "s", "unknown format 'json'" },
        { "sources:\n  - name: s\n    push: true\n    path: artifacts:x/*.parquet\n", DefinitionKind.DataSource, "s", "a push source has no path" },
        { "sources:\n  - name: s\n    push: maybe\n", DefinitionKind.DataSource, "s", "'push' must be true or false" },
        { "sources:\n  - name: s\n    path: artifacts:x/*.csv\n    hive_partitioning: {a: 1}\n", DefinitionKind.DataSource, "s", "'hive_partitioning' must be a single value, not a mapping" },
        { "feature_views:\n  - name: v\n    source: s\n    timestamp_field: ts\n", DefinitionKind.FeatureView, "v", "comes from the source; set it there" },
        { "feature_views:\n  - name: v\n    source: s\n    ttl: 1y\n", DefinitionKind.FeatureView, "v", "ttl '1y' is not a duration" },
        { "feature_views:\n  - name: v\n    source: s\n    ttl: [1d]\n", DefinitionKind.FeatureView, "v", "'ttl' must be a single value" },
        { "feature_views:\n  - name: v\n    source: s\n    online: yes please\n", DefinitionKind.FeatureView, "v", "'online' must be true or false" },
        { "feature_views:\n  - name: v\n    entities: driver\n", DefinitionKind.FeatureView, "v", "'entities' must be a list of names" },
        { "feature_views:\n  - name: v\n    schedule: hourly\n", DefinitionKind.FeatureView, "v", "unknown key 'schedule' in feature_view 'v'" },
        { "on_demand_feature_views:\n  - name: o\n    inputs: [v]\n", DefinitionKind.OnDemandFeatureView, "o", "'outputs' is required" },
        { "on_demand_feature_views:\n  - name: o\n    outputs: [{name: x, type: int64}]\n", DefinitionKind.OnDemandFeatureView, "o", "'expression' is required" },
        { "on_demand_feature_views:\n  - name: o\n    outputs: [{name: x, type: int64, expression: '1', udf: f}]\n", DefinitionKind.OnDemandFeatureView, "o", "unknown key 'udf'" },
        { "on_demand_feature_views:\n  - name: o\n    outputs: {x: 1}\n", DefinitionKind.OnDemandFeatureView, "o", "'outputs' must be a list" },
        { "feature_services:\n  - name: s\n", DefinitionKind.FeatureService, "s", "'features' is required" },
        { "feature_services:\n  - name: s\n    features: [{a: [x], b: [y]}]\n", DefinitionKind.FeatureService, "s", "a single {view: [features]} pair" },
        { "feature_services:\n  - name: s\n    features: [v@vx]\n", DefinitionKind.FeatureService, "s", "'v@vx' has a bad version" },
        { "feature_services:\n  - name: s\n    features: [v@v0]\n", DefinitionKind.FeatureService, "s", "versions start at 1" },
        { "feature_services:\n  - name: s\n    features: [{v: [[x]]}]\n", DefinitionKind.FeatureService, "s", "a feature of 'v' must be a single value" },
    };

    [Theory]
    [MemberData(nameof(Rejections))]
    public void Shape_errors_name_file_kind_object_and_reason(string yaml, DefinitionKind kind, string name, string reason)
    {
        var parsed = RepositoryParser.Parse([new("ok.yaml", RepositoryYaml.Main), new("bad.yaml", yaml)]);
        var error = Assert.Single(parsed.Errors);
        Assert.Equal("bad.yaml", error.File);
        Assert.Equal(kind, error.Kind);
        Assert.Equal(name, error.Object);
        Assert.Contains(reason, error.Reason, StringComparison.Ordinal);
        Assert.Matches(@"line \d+, column \d+", error.Reason);
    }

    [Fact]
    public void All_errors_of_all_files_are_reported_and_the_rest_still_parses()
    {
        var parsed = RepositoryParser.Parse(
        [
            new("a.yaml", "entities:\n  - name: e\n    bogus: 1\n    join_keys: [{name: k, type: nope}]\n"),
            new("b.yaml", "feature_views: [\n"),
            new("c.yaml", "entities:\n  - name: fine\n    join_keys: [{name: k, type: int64}]\n"),
        ]);
        Assert.Equal(3, parsed.Errors.Count);
        Assert.Equal(["a.yaml", "a.yaml", "b.yaml"], parsed.Errors.Select(e => e.File).Order());
        Assert.Equal(["e", "fine"], parsed.Repository.Entities.Select(e => e.Name));
    }

    [Fact]
    public void Oversized_files_are_refused_unread()
    {
        var parsed = RepositoryParser.Parse([new("huge.yaml", "# " + new string('x', RepositoryParser.MaxFileBytes))]);
        Assert.Contains("larger than", Assert.Single(parsed.Errors).Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Deeply_nested_yaml_is_refused_before_it_can_exhaust_the_stack()
    {
        var depth = RepositoryParser.MaxFileBytes / 2 - 10;
        var parsed = RepositoryParser.Parse([new("deep.yaml", "entities: " + new string('[', depth) + new string(']', depth))]);
        var error = Assert.Single(parsed.Errors);
        Assert.Equal("deep.yaml", error.File);
        Assert.Contains("nested more than 32 levels deep", error.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Aliases_are_read_as_their_anchored_values()
    {
        const string Yaml = "entities:\n  - name: a\n    join_keys: &keys [{name: k, type: int64}]\n  - name: b\n    join_keys: *keys\n";
        var parsed = RepositoryParser.Parse([new("a.yaml", Yaml)]);
        Assert.Empty(parsed.Errors);
        Assert.Equal(parsed.Repository.Entities[0].JoinKeys, parsed.Repository.Entities[1].JoinKeys);
        var unknown = RepositoryParser.Parse([new("b.yaml", "entities:\n  - name: a\n    join_keys: *nope\n")]);
        Assert.Contains("YAML syntax error", Assert.Single(unknown.Errors).Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Quoted_and_plain_nulls_differ()
    {
        var parsed = RepositoryParser.Parse([new("a.yaml", "entities:\n  - name: e\n    description: ~\n    join_keys: [{name: k, type: int64}]\n    tags: {a: null, b: 'null'}\n")]);
        Assert.Empty(parsed.Errors);
        var entity = parsed.Repository.Entities[0];
        Assert.Equal("", entity.Description);
        Assert.Equal("", entity.Tags["a"]);
        Assert.Equal("null", entity.Tags["b"]);
    }
}
