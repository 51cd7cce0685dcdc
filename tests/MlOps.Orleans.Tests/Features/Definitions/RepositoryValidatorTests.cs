using MlOps.Orleans.Contracts.Features;
using MlOps.Orleans.Features.Definitions;
using MlOps.Orleans.Tests.Infrastructure;

namespace MlOps.Orleans.Tests.Features.Definitions;

/// <summary>Whole-repository validation: the sample is valid, and each rejection path names its file, kind, object and reason.</summary>
[Trait("Category", Category.Unit)]
public sealed class RepositoryValidatorTests
{
    [Fact]
    public void The_sample_repository_is_valid_with_one_warning()
    {
        var result = RepositoryYaml.Validate();
        Assert.True(result.IsValid, string.Join("\n", result.Errors));
        var warning = Assert.Single(result.Warnings);
        Assert.Contains("feature_view 'customer_stats': source 'customer_profile' declares no schema", warning, StringComparison.Ordinal);
    }

    public static TheoryData<string, string, DefinitionKind, string, string> Rejections => new()
    {
        // Names and duplicates.
        { "bad names", "entities:\n  - name: 1driver\n    join_keys: [{name: id, type: int64}]\n", DefinitionKind.Entity, "1driver", "is not a valid name" },
        { "long name", $"entities:\n  - name: {new string('a', 129)}\n    join_keys: [{{name: id, type: int64}}]\n", DefinitionKind.Entity, new string('a', 129), "is not a valid name" },
        { "bad field name", "entities:\n  - name: e\n    join_keys: [{name: my-id, type: int64}]\n", DefinitionKind.Entity, "e", "join key 'my-id' is not a valid name" },
        { "duplicate across files", "entities:\n  - name: driver\n    join_keys: [{name: driver_id, type: int64}]\n", DefinitionKind.Entity, "driver", "is defined more than once (in main.yaml and bad.yaml)" },
        { "duplicate in one file", "sources:\n  - name: s1\n    push: true\n    schema: [{name: event_timestamp, type: timestamp}]\n  - name: s1\n    push: true\n    schema: [{name: event_timestamp, type: timestamp}]\n", DefinitionKind.DataSource, "s1", "is defined more than once (twice in bad.yaml)" },
        { "duplicate join key", "entities:\n  - name: e\n    join_keys: [{name: k, type: int64}, {name: k, type: int64}]\n", DefinitionKind.Entity, "e", "join key 'k' appears more than once" },
        { "entity without keys", "entities:\n  - name: e\n    join_keys: []\n", DefinitionKind.Entity, "e", "has no join keys" },
        { "view and on-demand share a name", "on_demand_feature_views:\n  - name: driver_speed\n    outputs: [{name: x, type: int64, expression: '1'}]\n", DefinitionKind.OnDemandFeatureView, "driver_speed", "same name as feature view" },
        // Sources.
        { "push without schema", "sources:\n  - name: p\n    push: true\n", DefinitionKind.DataSource, "p", "push source and needs a schema" },
        { "batch without path", "sources:\n  - name: b\n    format: parquet\n", DefinitionKind.DataSource, "b", "a batch source needs a path" },
        { "unknown scheme", "sources:\n  - name: b\n    path: s3://bucket/x.parquet\n", DefinitionKind.DataSource, "b", "must start with artifacts: or file:" },
        { "artifact key with ..", "sources:\n  - name: b\n    path: artifacts:features/../../secrets/*.parquet\n", DefinitionKind.DataSource, "b", "must not contain empty, '.' or '..' segments" },
        { "absolute artifact key", "sources:\n  - name: b\n    path: artifacts:/etc/*.parquet\n", DefinitionKind.DataSource, "b", "must be relative" },
        { "relative file path", "sources:\n  - name: b\n    path: file:data/x.parquet\n", DefinitionKind.DataSource, "b", "must be absolute" },
        { "file outside roots", "sources:\n  - name: b\n    path: file:/etc/passwd.csv\n", DefinitionKind.DataSource, "b", "outside the allowed source roots" },
        { "file escaping a root", "sources:\n  - name: b\n    path: file:/data/features/../../etc/passwd.csv\n", DefinitionKind.DataSource, "b", "outside the allowed source roots" },
        { "root prefix is not a root", "sources:\n  - name: b\n    path: file:/data/features-other/x.csv\n", DefinitionKind.DataSource, "b", "outside the allowed source roots" },
        { "timestamp not in schema", "sources:\n  - name: b\n    push: true\n    schema: [{name: ts, type: timestamp}]\n", DefinitionKind.DataSource, "b", "timestamp_field 'event_timestamp' is not in its schema" },
        { "timestamp not a timestamp", "sources:\n  - name: b\n    push: true\n    schema: [{name: event_timestamp, type: int64}]\n", DefinitionKind.DataSource, "b", "timestamp_field 'event_timestamp' is int64, not timestamp" },
        { "created equals event", "sources:\n  - name: b\n    push: true\n    created_timestamp_field: event_timestamp\n    schema: [{name: event_timestamp, type: timestamp}]\n", DefinitionKind.DataSource, "b", "must differ from timestamp_field" },
        // Feature views.
        { "unknown entity", "feature_views:\n  - name: v\n    entities: [rider]\n    source: driver_push\n    schema: [{name: speed, type: float64}]\n", DefinitionKind.FeatureView, "v", "names unknown entity 'rider'" },
        { "unknown source", "feature_views:\n  - name: v\n    source: nowhere\n    schema: [{name: speed, type: float64}]\n", DefinitionKind.FeatureView, "v", "names unknown source 'nowhere'" },
        { "negative ttl", "feature_views:\n  - name: v\n    source: driver_push\n    ttl: -1d\n    schema: [{name: speed, type: float64}]\n", DefinitionKind.FeatureView, "v", "ttl must not be negative (got -1d)" },
        { "no features", "feature_views:\n  - name: v\n    source: driver_push\n", DefinitionKind.FeatureView, "v", "has no features" },
        { "feature named like a join key", "feature_views:\n  - name: v\n    entities: [driver]\n    source: driver_push\n    schema: [{name: driver_id, type: int64}]\n", DefinitionKind.FeatureView, "v", "feature 'driver_id' has the name of a join key" },
        { "feature named like the timestamp", "feature_views:\n  - name: v\n    source: driver_push\n    schema: [{name: ts, type: timestamp}]\n", DefinitionKind.FeatureView, "v", "feature 'ts' has the name of a timestamp field" },
        { "feature missing from source", "feature_views:\n  - name: v\n    source: driver_push\n    schema: [{name: altitude, type: float64}]\n", DefinitionKind.FeatureView, "v", "feature 'altitude' is not a column of source 'driver_push'" },
        { "feature type clash", "feature_views:\n  - name: v\n    source: driver_stats\n    schema: [{name: acc_rate, type: float32}]\n", DefinitionKind.FeatureView, "v", "feature 'acc_rate' is declared float32 but is float64 in source 'driver_stats'" },
        { "join key type clash", "entities:\n  - name: d2\n    join_keys: [{name: driver_id, type: string}]\nfeature_views:\n  - name: v\n    entities: [d2]\n    source: driver_stats\n    schema: [{name: acc_rate, type: float64}]\n", DefinitionKind.FeatureView, "v", "join key 'driver_id' is string in entity 'd2' but int64 in source 'driver_stats'" },
        { "join key missing", "entities:\n  - name: r\n    join_keys: [{name: rider_id, type: int64}]\nfeature_views:\n  - name: v\n    entities: [r]\n    source: driver_stats\n    schema: [{name: acc_rate, type: float64}]\n", DefinitionKind.FeatureView, "v", "join key 'rider_id' of entity 'r' is not a column of source 'driver_stats'" },
        { "source and sql", "feature_views:\n  - name: v\n    source: driver_stats\n    sources: [driver_stats]\n    sql: SELECT 1\n    schema: [{name: acc_rate, type: float64}]\n", DefinitionKind.FeatureView, "v", "sets both 'source' and 'sources'/'sql'" },
        { "sql without sources", "feature_views:\n  - name: v\n    sql: SELECT 1\n    schema: [{name: acc_rate, type: float64}]\n", DefinitionKind.FeatureView, "v", "has 'sql' but no 'sources'" },
        { "sources without sql", "feature_views:\n  - name: v\n    sources: [driver_stats]\n    schema: [{name: acc_rate, type: float64}]\n", DefinitionKind.FeatureView, "v", "has 'sources' but no 'sql'" },
        { "neither", "feature_views:\n  - name: v\n    schema: [{name: acc_rate, type: float64}]\n", DefinitionKind.FeatureView, "v", "needs a 'source'" },
        // SQL views.
        { "sql missing column", SqlView("SELECT driver_id, event_timestamp, nope AS x FROM driver_stats"), DefinitionKind.FeatureView, "v", "SQL does not bind: Binder Error" },
        { "sql output lacks a feature", SqlView("SELECT driver_id, event_timestamp, acc_rate AS y FROM driver_stats"), DefinitionKind.FeatureView, "v", "feature 'x' is not a column of the SQL output" },
        { "sql output lacks the timestamp", SqlView("SELECT driver_id, acc_rate AS x FROM driver_stats"), DefinitionKind.FeatureView, "v", "timestamp_field 'event_timestamp' is not a column of the SQL output" },
        { "sql timestamp of wrong type", SqlView("SELECT driver_id, 1 AS event_timestamp, acc_rate AS x FROM driver_stats"), DefinitionKind.FeatureView, "v", "timestamp_field 'event_timestamp' is int32 in the SQL output, not timestamp" },
        { "sql output lacks a join key", SqlView("SELECT event_timestamp, acc_rate AS x FROM driver_stats"), DefinitionKind.FeatureView, "v", "join key 'driver_id' of entity 'driver' is not a column of the SQL output" },
        { "sql output type clash", SqlView("SELECT driver_id, event_timestamp, 'a' AS x FROM driver_stats"), DefinitionKind.FeatureView, "v", "feature 'x' is declared float64 but is string in the SQL output" },
        { "sql list column", SqlView("SELECT driver_id, event_timestamp, ['a'] AS x FROM driver_stats"), DefinitionKind.FeatureView, "v", "which no feature type holds" },
        { "sql reads a file", SqlView("SELECT driver_id, event_timestamp, 1.0 AS x FROM driver_stats, read_csv('/etc/passwd')"), DefinitionKind.FeatureView, "v", "Permission Error" },
        { "sql reads a path as a table", SqlView("SELECT * FROM '/etc/passwd'"), DefinitionKind.FeatureView, "v", "SQL does not bind" },
        { "sql reads parquet", SqlView("SELECT * FROM read_parquet('/data/features/x.parquet')"), DefinitionKind.FeatureView, "v", "Permission Error" },
        { "sql attaches a database", SqlView("SELECT * FROM driver_stats WHERE 1 = (SELECT 1 FROM duckdb_databases() LIMIT 1)) ATTACH '/tmp/x.db' (SELECT 1"), DefinitionKind.FeatureView, "v", "the SQL does not parse: syntax error at or near" },
        { "sql two statements", SqlView("SELECT 1 AS x; DROP TABLE driver_stats"), DefinitionKind.FeatureView, "v", "reads a statement in it that is not a query" },
        { "sql only a comment", SqlView("/* nothing here */"), DefinitionKind.FeatureView, "v", "the SQL is empty (it holds only comments)" },
        { "sql two queries", SqlView("SELECT 1 AS x; SELECT 2 AS x"), DefinitionKind.FeatureView, "v", "DuckDB reads 2 statements in it" },
        { "sql not a query", SqlView("PRAGMA enable_external_access"), DefinitionKind.FeatureView, "v", "must be a single SELECT or WITH query; DuckDB reads a statement in it that is not a query" },
        { "sql copy", SqlView("COPY driver_stats TO '/tmp/x.csv'"), DefinitionKind.FeatureView, "v", "must be a single SELECT or WITH query" },
        { "sql set", SqlView("SET enable_external_access = true"), DefinitionKind.FeatureView, "v", "must be a single SELECT or WITH query" },
        { "sql unterminated string", SqlView("SELECT 'x"), DefinitionKind.FeatureView, "v", "the SQL does not parse: unterminated quoted string" },
        { "sql over a source without schema", "feature_views:\n  - name: v\n    sources: [customer_profile]\n    sql: SELECT * FROM customer_profile\n    schema: [{name: age, type: int64}]\n", DefinitionKind.FeatureView, "v", "reads source 'customer_profile' through SQL, so that source must declare its schema" },
        { "sql over an unknown source", "feature_views:\n  - name: v\n    sources: [nowhere]\n    sql: SELECT * FROM nowhere\n    schema: [{name: age, type: int64}]\n", DefinitionKind.FeatureView, "v", "names unknown source 'nowhere'" },
        // On-demand views.
        { "unknown input view", "on_demand_feature_views:\n  - name: o\n    inputs: [nowhere]\n    outputs: [{name: x, type: int64, expression: '1'}]\n", DefinitionKind.OnDemandFeatureView, "o", "names unknown input view 'nowhere'" },
        { "expression names a missing feature", "on_demand_feature_views:\n  - name: o\n    inputs: [driver_hourly_stats]\n    outputs: [{name: x, type: float64, expression: 'conv_rate + missing'}]\n", DefinitionKind.OnDemandFeatureView, "o", "output 'x': unknown name 'missing'" },
        { "expression of the wrong type", "on_demand_feature_views:\n  - name: o\n    inputs: [driver_hourly_stats]\n    outputs: [{name: x, type: int64, expression: 'conv_rate * 2'}]\n", DefinitionKind.OnDemandFeatureView, "o", "yields float64, which is not a int64" },
        { "expression with a .NET call", "on_demand_feature_views:\n  - name: o\n    inputs: [driver_hourly_stats]\n    outputs: [{name: x, type: string, expression: 'System.IO.File.ReadAllText(\"/etc/passwd\")'}]\n", DefinitionKind.OnDemandFeatureView, "o", "syntax error" },
        { "self cycle", "on_demand_feature_views:\n  - name: o\n    inputs: [o]\n    outputs: [{name: x, type: int64, expression: '1'}]\n", DefinitionKind.OnDemandFeatureView, "o", "is part of a cycle of on-demand views: o -> o" },
        { "bad request field", "on_demand_feature_views:\n  - name: o\n    request_schema: [{name: a, type: int64}, {name: a, type: int64}]\n    outputs: [{name: x, type: int64, expression: 'a'}]\n", DefinitionKind.OnDemandFeatureView, "o", "request field 'a' appears more than once" },
        // Feature services.
        { "service with unknown view", "feature_services:\n  - name: s\n    features: [nowhere]\n", DefinitionKind.FeatureService, "s", "names unknown view 'nowhere'" },
        { "service with unknown feature", "feature_services:\n  - name: s\n    features: [{driver_hourly_stats: [nope]}]\n", DefinitionKind.FeatureService, "s", "names unknown feature 'nope' of view 'driver_hourly_stats'" },
        { "service with duplicate outputs", "feature_services:\n  - name: s\n    features: [{driver_hourly_stats: [conv_rate]}, driver_ratios, {driver_ratios: [conv_plus_val]}]\n", DefinitionKind.FeatureService, "s", "has feature 'conv_plus_val' twice (from 'driver_ratios' and 'driver_ratios')" },
        { "service without features", "feature_services:\n  - name: s\n    features: []\n", DefinitionKind.FeatureService, "s", "has no features" },
    };

    private static string SqlView(string sql) =>
        $"feature_views:\n  - name: v\n    entities: [driver]\n    sources: [driver_stats]\n    sql: \"{sql.Replace("\"", "\\\"", StringComparison.Ordinal)}\"\n    schema: [{{name: x, type: float64}}]\n";

    [Theory]
    [MemberData(nameof(Rejections))]
    public void Each_rejection_names_file_kind_object_and_reason(string what, string yaml, DefinitionKind kind, string name, string reason)
    {
        var result = RepositoryYaml.Validate(("bad.yaml", yaml));
        var error = Assert.Single(result.Errors);
        Assert.True(error.File == "bad.yaml", $"{what}: {error}");
        Assert.Equal(kind, error.Kind);
        Assert.Equal(name, error.Object);
        Assert.True(error.Reason.Contains(reason, StringComparison.Ordinal), $"{what}: {error.Reason}");
    }

    [Theory]
    [InlineData("SELECT driver_id, event_timestamp, acc_rate AS x FROM driver_stats -- ) AS q; SELECT 1")]
    [InlineData("WITH t AS (SELECT * FROM driver_stats) SELECT driver_id, event_timestamp, acc_rate AS x FROM t;")]
    [InlineData("/* daily */ (SELECT driver_id, event_timestamp, conv_rate AS x FROM driver_stats WHERE 'a;b' <> ')')")]
    [InlineData("select \"driver_id\", event_timestamp, trips AS x from driver_stats")]
    public void Valid_sql_views_pass(string sql)
    {
        var result = RepositoryYaml.Validate(("bad.yaml", SqlView(sql)));
        Assert.True(result.IsValid, string.Join("\n", result.Errors));
    }

    [Fact]
    public void File_sources_inside_a_root_are_accepted_and_no_roots_refuses_them_all()
    {
        const string Yaml = "sources:\n  - name: f\n    path: file:/data/features/sub/../x/*.parquet\n";
        Assert.True(RepositoryYaml.Validate(("f.yaml", Yaml)).IsValid);
        var noRoots = RepositoryValidator.Validate(RepositoryYaml.Parse(("f.yaml", Yaml)), []);
        Assert.Contains(noRoots.Errors, e => e.Reason.Contains("file: sources are disabled", StringComparison.Ordinal));
    }

    [Fact]
    public void A_cycle_is_reported_once_with_its_path_and_its_views_are_not_compiled()
    {
        const string Yaml = """
            on_demand_feature_views:
              - name: c
                inputs: [a]
                outputs: [{name: z, type: int64, expression: "y + 1"}]
              - name: b
                inputs: [c]
                outputs: [{name: y, type: int64, expression: "x + 1"}]
              - name: a
                inputs: [b, driver_hourly_stats]
                outputs: [{name: x, type: int64, expression: "z + trips"}]
              - name: d
                inputs: [a]
                outputs: [{name: w, type: int64, expression: "x * 2"}]
            """;
        var result = RepositoryYaml.Validate(("cycle.yaml", Yaml));
        var error = Assert.Single(result.Errors);
        Assert.Equal(("cycle.yaml", DefinitionKind.OnDemandFeatureView, "a"), (error.File, error.Kind, error.Object));
        Assert.EndsWith("a -> b -> c -> a", error.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void On_demand_views_reading_other_on_demand_views_are_refused_until_retrieval_orders_them()
    {
        const string Yaml = """
            on_demand_feature_views:
              - name: doubled
                inputs: [driver_ratios]
                outputs: [{name: twice, type: float64, expression: "conv_plus_val * 2"}]
            """;
        var error = Assert.Single(RepositoryYaml.Validate(("chain.yaml", Yaml)).Errors);
        Assert.Equal("doubled", error.Object);
        Assert.Contains("inputs must be feature views", error.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_error_is_reported_in_one_pass_with_parse_errors_first()
    {
        const string Yaml = """
            entities:
              - name: e
                join_keys: [{name: k, type: int64}]
                colour: red
            feature_views:
              - name: v1
                entities: [nobody]
                source: nowhere
                ttl: -5m
                schema: []
            feature_services:
              - name: s
                features: [v2]
            """;
        var result = RepositoryYaml.Validate(("many.yaml", Yaml));
        Assert.Equal(
        [
            "many.yaml: entity 'e': line 4, column 5: unknown key 'colour' in entity 'e'; known keys are name, join_keys, description, tags",
            "many.yaml: feature_view 'v1': ttl must not be negative (got -5m)",
            "many.yaml: feature_view 'v1': names unknown entity 'nobody'",
            "many.yaml: feature_view 'v1': has no features: declare them in its schema",
            "many.yaml: feature_view 'v1': names unknown source 'nowhere'",
            "many.yaml: feature_service 's': names unknown view 'v2'",
        ], result.Errors.Select(e => e.ToString()));
    }

    [Fact]
    public void A_repository_built_in_code_validates_without_files()
    {
        var repository = new FeatureRepository(
            [SampleSpecs.Entity()], [SampleSpecs.Source()], [SampleSpecs.View()], [SampleSpecs.OnDemand()],
            [SampleSpecs.Service() with { Projections = [new("driver_hourly_stats", ["conv_rate"]), new("driver_ratios", [])] }]);
        var result = RepositoryValidator.Validate(repository, []);
        Assert.True(result.IsValid, string.Join("\n", result.Errors));
        var bad = repository with { FeatureViews = [SampleSpecs.View() with { Ttl = TimeSpan.FromHours(-1) }] };
        var error = Assert.Single(RepositoryValidator.Validate(bad, []).Errors);
        Assert.Equal(("", DefinitionKind.FeatureView, "driver_hourly_stats"), (error.File, error.Kind, error.Object));
    }
}
