using MlOps.Orleans.Contracts.Features;
using MlOps.Orleans.Tests.Infrastructure;

namespace MlOps.Orleans.Tests.Features.Definitions;

/// <summary>
/// SQL that hides a second statement from a text scanner behind DuckDB's lexical forms is refused by validation, which asks
/// DuckDB's own parser. The breakout cases read a valid first query and close the binder's wrapping parenthesis to start
/// another statement: a scanner that misread them let them through, valid, with the second statement run at binding.
/// Parsed on its own, such text has a parenthesis it never opened, and that is what the refusal names.
/// </summary>
[Trait("Category", Category.Unit)]
public sealed class SqlViewSmugglingTests
{
    private const string Query = "SELECT driver_id, event_timestamp, acc_rate AS x";

    public static TheoryData<string, string, string> Smuggled => new()
    {
        // $$...$$ is a string to DuckDB, so the quote inside it opens nothing; a scanner that knows only '...' sees a string
        // running to the final --' and misses the ';'.
        { "dollar-quoted string", Query + ", $$'$$ AS pad FROM driver_stats) AS q; ATTACH ':memory:' AS smuggled; SELECT * FROM (SELECT 1 AS y --'", Breakout },
        { "tagged dollar-quoted string", Query + ", $t$'$t$ AS pad FROM driver_stats) AS q; CREATE TABLE smuggled AS SELECT 1; SELECT * FROM (SELECT 1 AS y --'", Breakout },
        { "dollar-quoted string, no breakout", Query + ", $$'$$ AS pad FROM driver_stats; ATTACH ':memory:' AS smuggled --'", NotAQuery },
        // In E'...' a backslash escapes the quote, so DuckDB's string runs on where a scanner's ends.
        { "escape string", Query + ", E'\\'' AS pad FROM driver_stats) AS q; SET threads = 1; SELECT * FROM (SELECT 1 AS y --'", Breakout },
        { "escape string, no breakout", Query + ", E'\\'' AS pad FROM driver_stats; SET threads = 1; --'", NotAQuery },
        // DuckDB's block comments nest: the first */ does not end the comment.
        { "nested block comment", Query + " /* /* */ ' */ FROM driver_stats) AS q; ATTACH ':memory:' AS smuggled; SELECT * FROM (SELECT 1 AS y --'", Breakout },
        { "nested block comment, no breakout", Query + " /* /* */ ' */ FROM driver_stats; INSTALL httpfs; --'", NotAQuery },
        // A carriage return ends a -- comment for DuckDB.
        { "line comment ended by a carriage return", Query + " FROM driver_stats --\r) AS q; ATTACH ':memory:' AS smuggled; SELECT * FROM (SELECT 1 AS y", Breakout },
        { "line comment ended by a carriage return, no breakout", Query + " FROM driver_stats --\r; COPY driver_stats TO 'leak.csv'", NotAQuery },
        { "two queries", Query + " FROM driver_stats; SELECT 1 AS x", "DuckDB reads 2 statements in it" },
        { "a query and a semicolon inside a comment", Query + " FROM driver_stats /* ; */; EXPORT DATABASE 'x'", NotAQuery },
    };

    private const string Breakout = "the SQL does not parse: syntax error at or near \")\"";
    private const string NotAQuery = "must be a single SELECT or WITH query; DuckDB reads a statement in it that is not a query";

    [Theory]
    [MemberData(nameof(Smuggled))]
    public void A_second_statement_is_refused_whatever_hides_it(string what, string sql, string reason)
    {
        var result = RepositoryYaml.Validate(("bad.yaml", SqlView(sql)));

        var error = Assert.Single(result.Errors);
        Assert.Equal(DefinitionKind.FeatureView, error.Kind);
        Assert.Equal("v", error.Object);
        Assert.True(error.Reason.Contains(reason, StringComparison.Ordinal), $"{what}: {error.Reason}");
    }

    [Theory]
    [InlineData(Query + ", $$a;b)$$ AS pad FROM driver_stats")]
    [InlineData(Query + ", E'it\\'s; )' AS pad FROM driver_stats")]
    [InlineData(Query + " /* outer /* inner; */ ) */ FROM driver_stats")]
    public void Those_forms_inside_one_query_are_accepted(string sql)
    {
        var result = RepositoryYaml.Validate(("ok.yaml", SqlView(sql)));
        Assert.True(result.IsValid, string.Join("\n", result.Errors));
    }

    /// <summary>YAML double-quoted scalar: backslashes, quotes and carriage returns escaped so DuckDB gets the text as written.</summary>
    private static string SqlView(string sql)
    {
        var escaped = sql.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal).Replace("\r", "\\r", StringComparison.Ordinal);
        return $"feature_views:\n  - name: v\n    entities: [driver]\n    sources: [driver_stats]\n    sql: \"{escaped}\"\n    schema: [{{name: x, type: float64}}]\n";
    }
}
