using MlOps.Orleans.Catalog.Search;
using MlOps.Orleans.Contracts.Common;
using MlOps.Orleans.Tests.Infrastructure;
using ErrorCode = MlOps.Orleans.Contracts.Common.ErrorCode;

namespace MlOps.Orleans.Tests.Tracking;

[Trait("Category", Category.Unit)]
public sealed class SearchFilterParserTests
{
    [Theory]
    [InlineData("metrics.rmse < 1", EntityKind.Metric)]
    [InlineData("metric.rmse < 1", EntityKind.Metric)]
    [InlineData("params.rmse = '1'", EntityKind.Param)]
    [InlineData("param.rmse = '1'", EntityKind.Param)]
    [InlineData("parameters.rmse = '1'", EntityKind.Param)]
    [InlineData("parameter.rmse = '1'", EntityKind.Param)]
    [InlineData("tags.rmse = '1'", EntityKind.Tag)]
    [InlineData("tag.rmse = '1'", EntityKind.Tag)]
    [InlineData("datasets.name = 'rmse'", EntityKind.Dataset)]
    [InlineData("dataset.name = 'rmse'", EntityKind.Dataset)]
    public void Run_filter_maps_every_entity_prefix_alias(string filter, EntityKind kind)
    {
        var clause = Assert.Single(SearchFilterParser.ParseRunFilter(filter));

        Assert.Equal(kind, clause.Kind);
    }

    [Theory]
    [InlineData("attributes.status = 'FINISHED'")]
    [InlineData("attribute.status = 'FINISHED'")]
    [InlineData("attr.status = 'FINISHED'")]
    [InlineData("run.status = 'FINISHED'")]
    [InlineData("status = 'FINISHED'")]
    public void Run_filter_maps_attribute_aliases_and_bare_names_to_attributes(string filter)
    {
        var clause = Assert.Single(SearchFilterParser.ParseRunFilter(filter));

        Assert.Equal(new FilterClause(EntityKind.Attribute, "status", Comparator.Equal, FilterValue.Of("FINISHED"), 1), clause);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    public void Run_filter_treats_null_or_blank_as_no_clauses(string? filter) =>
        Assert.Empty(SearchFilterParser.ParseRunFilter(filter));

    [Fact]
    public void Run_filter_parses_metric_clause_with_position()
    {
        var clause = Assert.Single(SearchFilterParser.ParseRunFilter("  metrics.rmse >= 0.5"));

        Assert.Equal(EntityKind.Metric, clause.Kind);
        Assert.Equal("rmse", clause.Key);
        Assert.Equal(Comparator.GreaterOrEqual, clause.Comparator);
        Assert.Equal(0.5, clause.Value.Number);
        Assert.Null(clause.Value.Text);
        Assert.Null(clause.Value.List);
        Assert.Equal(3, clause.Position);
    }

    [Fact]
    public void Run_filter_keeps_dots_after_the_prefix_in_the_key()
    {
        var clause = Assert.Single(SearchFilterParser.ParseRunFilter("metrics.val.loss.v2 < 3"));

        Assert.Equal("val.loss.v2", clause.Key);
    }

    [Fact]
    public void Run_filter_parses_backticked_tag_key()
    {
        var clause = Assert.Single(SearchFilterParser.ParseRunFilter("tags.`mlflow.user` = 'alice'"));

        Assert.Equal(EntityKind.Tag, clause.Kind);
        Assert.Equal("mlflow.user", clause.Key);
        Assert.Equal("alice", clause.Value.Text);
    }

    [Fact]
    public void Run_filter_parses_double_quoted_key_with_spaces()
    {
        var clause = Assert.Single(SearchFilterParser.ParseRunFilter("params.\"learning rate\" = '0.1'"));

        Assert.Equal(EntityKind.Param, clause.Kind);
        Assert.Equal("learning rate", clause.Key);
    }

    [Fact]
    public void Run_filter_parses_bare_key_with_slash_colon_and_dash()
    {
        var clause = Assert.Single(SearchFilterParser.ParseRunFilter("metrics.eval/acc:top-1>0.9"));

        Assert.Equal("eval/acc:top-1", clause.Key);
        Assert.Equal(Comparator.Greater, clause.Comparator);
    }

    [Theory]
    [InlineData("-3", -3.0)]
    [InlineData("0.25", 0.25)]
    [InlineData(".5", 0.5)]
    [InlineData("1e3", 1000.0)]
    [InlineData("1.5E+2", 150.0)]
    [InlineData("-2.5e-3", -0.0025)]
    public void Run_filter_parses_number_literals(string literal, double expected)
    {
        var clause = Assert.Single(SearchFilterParser.ParseRunFilter($"metrics.loss<={literal}"));

        Assert.Equal(expected, clause.Value.Number);
    }

    [Theory]
    [InlineData("=", Comparator.Equal)]
    [InlineData("!=", Comparator.NotEqual)]
    [InlineData("<", Comparator.Less)]
    [InlineData("<=", Comparator.LessOrEqual)]
    [InlineData(">", Comparator.Greater)]
    [InlineData(">=", Comparator.GreaterOrEqual)]
    public void Run_filter_reads_every_numeric_comparator(string op, Comparator expected) =>
        Assert.Equal(expected, Assert.Single(SearchFilterParser.ParseRunFilter($"metrics.a {op} 1")).Comparator);

    [Theory]
    [InlineData("LIKE", Comparator.Like)]
    [InlineData("like", Comparator.Like)]
    [InlineData("ILIKE", Comparator.ILike)]
    [InlineData("iLike", Comparator.ILike)]
    public void Run_filter_reads_like_keywords_case_insensitively(string keyword, Comparator expected) =>
        Assert.Equal(expected, Assert.Single(SearchFilterParser.ParseRunFilter($"tags.a {keyword} '%x%'")).Comparator);

    [Theory]
    [InlineData("'it\\'s'", "it's")]
    [InlineData("'it''s'", "it's")]
    [InlineData("\"say \\\"hi\\\"\"", "say \"hi\"")]
    [InlineData("\"a\"\"b\"", "a\"b")]
    [InlineData("'back\\\\slash'", "back\\slash")]
    [InlineData("'50\\%'", "50\\%")]
    [InlineData("'a \"quoted\" word'", "a \"quoted\" word")]
    public void Run_filter_decodes_string_escapes(string literal, string expected) =>
        Assert.Equal(expected, Assert.Single(SearchFilterParser.ParseRunFilter($"params.p = {literal}")).Value.Text);

    [Fact]
    public void Run_filter_joins_clauses_with_case_insensitive_and()
    {
        var clauses = SearchFilterParser.ParseRunFilter("metrics.a > 1 and params.b = 'x' AnD tags.c != 'y' AND status = 'RUNNING'");

        Assert.Equal([EntityKind.Metric, EntityKind.Param, EntityKind.Tag, EntityKind.Attribute], clauses.Select(c => c.Kind));
        Assert.Equal([1, 19, 38, 56], clauses.Select(c => c.Position));
    }

    [Fact]
    public void Run_filter_parses_run_id_in_list()
    {
        var clause = Assert.Single(SearchFilterParser.ParseRunFilter("attributes.run_id IN ('a1', \"b2\",'c3')"));

        Assert.Equal(Comparator.In, clause.Comparator);
        Assert.Equal(["a1", "b2", "c3"], clause.Value.List!);
        Assert.Null(clause.Value.Text);
    }

    [Fact]
    public void Run_filter_parses_run_id_not_in_list()
    {
        var clause = Assert.Single(SearchFilterParser.ParseRunFilter("run_id not in ('a1')"));

        Assert.Equal(Comparator.NotIn, clause.Comparator);
        Assert.Equal(["a1"], clause.Value.List!);
    }

    [Fact]
    public void Run_filter_allows_in_for_dataset_fields()
    {
        var clause = Assert.Single(SearchFilterParser.ParseRunFilter("datasets.digest IN ('abc', 'def')"));

        Assert.Equal(new[] { "abc", "def" }, clause.Value.List);
    }

    [Theory]
    [InlineData("created")]
    [InlineData("Created")]
    [InlineData("attributes.created")]
    public void Run_filter_normalises_created_to_start_time(string identifier)
    {
        var clause = Assert.Single(SearchFilterParser.ParseRunFilter($"{identifier} > 1700000000000"));

        Assert.Equal("start_time", clause.Key);
        Assert.Equal(1700000000000d, clause.Value.Number);
    }

    [Fact]
    public void Run_filter_maps_backticked_run_name_alias_to_run_name()
    {
        var clause = Assert.Single(SearchFilterParser.ParseRunFilter("`Run Name` LIKE 'sweep-%'"));

        Assert.Equal((EntityKind.Attribute, "run_name"), (clause.Kind, clause.Key));
    }

    [Fact]
    public void Run_filter_rejects_not_without_in()
    {
        var error = FilterError(() => SearchFilterParser.ParseRunFilter("run_id NOT LIKE 'a'"));

        Assert.Contains("position 12", error.Message);
        Assert.Contains("expected IN after NOT, found 'LIKE'", error.Message);
    }

    [Fact]
    public void Run_filter_rejects_or_naming_position()
    {
        var error = FilterError(() => SearchFilterParser.ParseRunFilter("metrics.a > 1 OR metrics.b < 2"));

        Assert.Contains("position 15", error.Message);
        Assert.Contains("OR", error.Message);
    }

    [Fact]
    public void Run_filter_rejects_parentheses()
    {
        var error = FilterError(() => SearchFilterParser.ParseRunFilter("(metrics.a > 1)"));

        Assert.Contains("position 1", error.Message);
        Assert.Contains("parentheses", error.Message);
    }

    [Fact]
    public void Run_filter_rejects_unknown_prefix()
    {
        var error = FilterError(() => SearchFilterParser.ParseRunFilter("metrics.a > 1 and metricz.b > 2"));

        Assert.Contains("position 19", error.Message);
        Assert.Contains("'metricz'", error.Message);
        Assert.Contains("metrics.", error.Message);
    }

    [Fact]
    public void Run_filter_rejects_upper_case_prefix()
    {
        var error = FilterError(() => SearchFilterParser.ParseRunFilter("Metrics.a > 1"));

        Assert.Contains("position 1", error.Message);
        Assert.Contains("'Metrics'", error.Message);
        Assert.Contains("lower-case", error.Message);
    }

    [Fact]
    public void Run_filter_rejects_unknown_attribute_listing_valid_ones()
    {
        var error = FilterError(() => SearchFilterParser.ParseRunFilter("attributes.lifecycle_stage = 'active'"));

        Assert.Contains("position 12", error.Message);
        Assert.Contains("'lifecycle_stage'", error.Message);
        Assert.Contains("run_id, run_name, status", error.Message);
    }

    [Fact]
    public void Run_filter_rejects_unknown_dataset_field()
    {
        var error = FilterError(() => SearchFilterParser.ParseRunFilter("datasets.schema = 'x'"));

        Assert.Contains("position 10", error.Message);
        Assert.Contains("'schema'", error.Message);
        Assert.Contains("name, digest, context", error.Message);
    }

    [Theory]
    [InlineData("metrics.a LIKE 1", "'LIKE'", "metric 'a'", "position 11")]
    [InlineData("params.a > '1'", "'>'", "param 'a'", "position 10")]
    [InlineData("tags.a IN ('1')", "'IN'", "tag 'a'", "position 8")]
    [InlineData("start_time ILIKE 1", "'ILIKE'", "attribute 'start_time'", "position 12")]
    [InlineData("datasets.name < 'x'", "'<'", "dataset field 'name'", "position 15")]
    public void Run_filter_rejects_comparator_not_allowed_for_kind(string filter, string comparator, string subject, string position)
    {
        var error = FilterError(() => SearchFilterParser.ParseRunFilter(filter));

        Assert.Contains(position, error.Message);
        Assert.Contains(comparator, error.Message);
        Assert.Contains(subject, error.Message);
        Assert.Contains("allowed:", error.Message);
    }

    [Fact]
    public void Run_filter_rejects_in_for_string_attribute_other_than_run_id()
    {
        var error = FilterError(() => SearchFilterParser.ParseRunFilter("status IN ('FINISHED')"));

        Assert.Contains("position 8", error.Message);
        Assert.Contains("'IN'", error.Message);
        Assert.Contains("run_id", error.Message);
    }

    [Fact]
    public void Run_filter_rejects_unsupported_operator()
    {
        var error = FilterError(() => SearchFilterParser.ParseRunFilter("metrics.a <> 1"));

        Assert.Contains("position 11", error.Message);
        Assert.Contains("'<>'", error.Message);
    }

    [Fact]
    public void Run_filter_rejects_string_for_metric()
    {
        var error = FilterError(() => SearchFilterParser.ParseRunFilter("metrics.rmse = '0.5'"));

        Assert.Contains("position 16", error.Message);
        Assert.Contains("'0.5'", error.Message);
        Assert.Contains("number", error.Message);
    }

    [Fact]
    public void Run_filter_rejects_non_numeric_word_for_numeric_attribute()
    {
        var error = FilterError(() => SearchFilterParser.ParseRunFilter("end_time > yesterday"));

        Assert.Contains("position 12", error.Message);
        Assert.Contains("'yesterday'", error.Message);
    }

    [Fact]
    public void Run_filter_rejects_number_for_param()
    {
        var error = FilterError(() => SearchFilterParser.ParseRunFilter("params.lr = 0.1"));

        Assert.Contains("position 13", error.Message);
        Assert.Contains("'0.1'", error.Message);
        Assert.Contains("quoted string", error.Message);
    }

    [Fact]
    public void Run_filter_rejects_backticked_value()
    {
        var error = FilterError(() => SearchFilterParser.ParseRunFilter("tags.a = `b`"));

        Assert.Contains("position 10", error.Message);
        Assert.Contains("backticks", error.Message);
    }

    [Fact]
    public void Run_filter_rejects_unterminated_string_at_its_opening_quote()
    {
        var error = FilterError(() => SearchFilterParser.ParseRunFilter("tags.a = 'abc\\'"));

        Assert.Contains("position 10", error.Message);
        Assert.Contains("unterminated string", error.Message);
    }

    [Fact]
    public void Run_filter_rejects_unterminated_backticked_key()
    {
        var error = FilterError(() => SearchFilterParser.ParseRunFilter("tags.`abc = 'x'"));

        Assert.Contains("position 6", error.Message);
        Assert.Contains("unterminated backticked key", error.Message);
    }

    [Fact]
    public void Run_filter_rejects_trailing_garbage_after_a_clause()
    {
        var error = FilterError(() => SearchFilterParser.ParseRunFilter("metrics.a > 1 metrics.b"));

        Assert.Contains("position 15", error.Message);
        Assert.Contains("'metrics.b'", error.Message);
        Assert.Contains("AND", error.Message);
    }

    [Fact]
    public void Run_filter_rejects_missing_comparator_naming_the_identifier()
    {
        var error = FilterError(() => SearchFilterParser.ParseRunFilter("metrics.rmse rmse2 > 1"));

        Assert.Contains("position 14", error.Message);
        Assert.Contains("after 'metrics.rmse', found 'rmse2'", error.Message);
    }

    [Theory]
    [InlineData("metrics.a = 1 AND", "position 18")]
    [InlineData("metrics.a = 1 and AND metrics.b = 2", "position 19")]
    [InlineData("AND metrics.a = 1", "position 1")]
    public void Run_filter_rejects_empty_clause(string filter, string position)
    {
        var error = FilterError(() => SearchFilterParser.ParseRunFilter(filter));

        Assert.Contains(position, error.Message);
        Assert.Contains("empty clause", error.Message);
    }

    [Fact]
    public void Run_filter_rejects_missing_value()
    {
        var error = FilterError(() => SearchFilterParser.ParseRunFilter("tags.a ="));

        Assert.Contains("position 9", error.Message);
        Assert.Contains("the end of the input", error.Message);
    }

    [Fact]
    public void Run_filter_rejects_prefix_without_key()
    {
        var error = FilterError(() => SearchFilterParser.ParseRunFilter("tags. = 'x'"));

        Assert.Contains("position 6", error.Message);
        Assert.Contains("key after 'tags.'", error.Message);
    }

    [Fact]
    public void Run_filter_rejects_unexpected_character()
    {
        var error = FilterError(() => SearchFilterParser.ParseRunFilter("metrics.a > 1; drop"));

        Assert.Contains("position 14", error.Message);
        Assert.Contains("';'", error.Message);
    }

    [Theory]
    [InlineData("run_id IN 'a'", "position 11", "parenthesised list")]
    [InlineData("run_id IN ()", "position 12", "quoted string")]
    [InlineData("run_id IN ('a',)", "position 16", "quoted string")]
    [InlineData("run_id IN ('a' 'b')", "position 16", "',' or ')'")]
    public void Run_filter_rejects_malformed_in_list(string filter, string position, string reason)
    {
        var error = FilterError(() => SearchFilterParser.ParseRunFilter(filter));

        Assert.Contains(position, error.Message);
        Assert.Contains(reason, error.Message);
    }

    [Theory]
    [InlineData("NaN")]
    [InlineData("+1")]
    [InlineData("1e999")]
    public void Run_filter_rejects_non_literal_numbers(string literal)
    {
        var error = FilterError(() => SearchFilterParser.ParseRunFilter($"metrics.a = {literal}"));

        Assert.Contains("position 13", error.Message);
    }

    [Fact]
    public void Experiment_filter_parses_bare_and_prefixed_attributes_and_tags()
    {
        var clauses = SearchFilterParser.ParseExperimentFilter(
            "name ILIKE '%demo%' AND attributes.creation_time > 5 AND attribute.last_update_time <= 9 AND tags.team = 'ml'");

        Assert.Equal(
            [
                (EntityKind.Attribute, "name", Comparator.ILike),
                (EntityKind.Attribute, "creation_time", Comparator.Greater),
                (EntityKind.Attribute, "last_update_time", Comparator.LessOrEqual),
                (EntityKind.Tag, "team", Comparator.Equal),
            ],
            clauses.Select(c => (c.Kind, c.Key, c.Comparator)));
    }

    [Theory]
    [InlineData("metrics.a > 1", "'metrics'")]
    [InlineData("run_id = 'x'", "'run_id'")]
    [InlineData("name > 'x'", "'>'")]
    [InlineData("creation_time = 'x'", "number")]
    public void Experiment_filter_rejects_run_only_or_mistyped_clauses(string filter, string offending)
    {
        var error = FilterError(() => SearchFilterParser.ParseExperimentFilter(filter));

        Assert.Contains("position ", error.Message);
        Assert.Contains(offending, error.Message);
    }

    [Fact]
    public void Registered_model_filter_parses_name_and_tags()
    {
        var clauses = SearchFilterParser.ParseRegisteredModelFilter("name LIKE 'fraud%' AND tag.`owner` != 'bob'");

        Assert.Equal([(EntityKind.Attribute, "name"), (EntityKind.Tag, "owner")], clauses.Select(c => (c.Kind, c.Key)));
    }

    [Fact]
    public void Registered_model_filter_rejects_other_attributes()
    {
        var error = FilterError(() => SearchFilterParser.ParseRegisteredModelFilter("creation_time > 1"));

        Assert.Contains("position 1", error.Message);
        Assert.Contains("'creation_time'", error.Message);
    }

    [Theory]
    [InlineData("metrics.rmse DESC", EntityKind.Metric, "rmse", true)]
    [InlineData("params.lr", EntityKind.Param, "lr", false)]
    [InlineData("tags.`mlflow.runName` asc", EntityKind.Tag, "mlflow.runName", false)]
    [InlineData("start_time desc", EntityKind.Attribute, "start_time", true)]
    [InlineData("attributes.Created DESC", EntityKind.Attribute, "start_time", true)]
    public void Run_order_by_parses_entity_key_and_direction(string orderBy, EntityKind kind, string key, bool descending) =>
        Assert.Equal(new OrderClause(kind, key, descending), SearchFilterParser.ParseRunOrderBy(orderBy));

    [Theory]
    [InlineData("datasets.name", "position 1", "'datasets'")]
    [InlineData("foo DESC", "position 1", "'foo'")]
    [InlineData("start_time DOWN", "position 12", "'DOWN'")]
    [InlineData("start_time DESC, run_id", "position 16", "','")]
    [InlineData("  ", "position 1", "empty")]
    public void Run_order_by_rejects_invalid_entries(string orderBy, string position, string offending)
    {
        var error = Assert.Throws<MlopsException>(() => SearchFilterParser.ParseRunOrderBy(orderBy));

        Assert.Equal("order_by", error.Field);
        Assert.Contains(position, error.Message);
        Assert.Contains(offending, error.Message);
    }

    [Theory]
    [InlineData("name", "name", false)]
    [InlineData("experiment_id DESC", "experiment_id", true)]
    [InlineData("attributes.creation_time", "creation_time", false)]
    [InlineData("last_update_time DESC", "last_update_time", true)]
    public void Experiment_order_by_accepts_experiment_attributes(string orderBy, string key, bool descending) =>
        Assert.Equal(new OrderClause(EntityKind.Attribute, key, descending), SearchFilterParser.ParseExperimentOrderBy(orderBy));

    [Fact]
    public void Experiment_order_by_rejects_unknown_attribute()
    {
        var error = Assert.Throws<MlopsException>(() => SearchFilterParser.ParseExperimentOrderBy("start_time"));

        Assert.Contains("position 1", error.Message);
        Assert.Contains("'start_time'", error.Message);
        Assert.Contains("experiment_id", error.Message);
    }

    private static MlopsException FilterError(Func<object> parse)
    {
        var error = Assert.Throws<MlopsException>(parse);
        Assert.Equal(ErrorCode.InvalidArgument, error.Code);
        Assert.Equal("filter", error.Field);
        return error;
    }
}
