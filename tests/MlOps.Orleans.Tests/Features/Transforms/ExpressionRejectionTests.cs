using MlOps.Orleans.Contracts.Features;
using MlOps.Orleans.Features.Definitions;
using MlOps.Orleans.Features.Transforms;
using MlOps.Orleans.Tests.Infrastructure;
using static MlOps.Orleans.Tests.Features.Transforms.OnDemandTestViews;

namespace MlOps.Orleans.Tests.Features.Transforms;

/// <summary>Every way Compile refuses an expression, with the reason the user sees.</summary>
[Trait("Category", Category.Unit)]
public sealed class ExpressionRejectionTests
{
    public static TheoryData<string, FeatureValueType, string> Cases => new()
    {
        // Names.
        { "nope + 1", FeatureValueType.Int64, "unknown name 'nope'" },
        { "conv_rate * 2", FeatureValueType.Float64, "name 'conv_rate' is ambiguous: it could be other__conv_rate or stats__conv_rate" },
        { "stats__missing", FeatureValueType.Int64, "input view 'stats' has no feature 'missing'" },
        { "unrelated__x", FeatureValueType.Int64, "unknown name 'unrelated__x'" },
        { "x", FeatureValueType.Int64, "unknown name 'x'" },
        { "[trips x]", FeatureValueType.Int64, "unknown name 'trips x'" },
        // No way out of the sandbox: no .NET members, no unknown functions.
        { "System.IO.File.ReadAllText('/etc/passwd')", FeatureValueType.String, "syntax error" },
        { "File('/etc/passwd')", FeatureValueType.String, "unknown function 'File'" },
        { "ReadAllText('/etc/passwd')", FeatureValueType.String, "unknown function 'ReadAllText'" },
        { "GetType(trips)", FeatureValueType.String, "unknown function 'GetType'" },
        { "now()", FeatureValueType.Timestamp, "unknown function 'now'" },
        { "random()", FeatureValueType.Float64, "unknown function 'random'" },
        // Syntax.
        { "trips +", FeatureValueType.Int64, "syntax error" },
        { "(trips", FeatureValueType.Int64, "syntax error" },
        { "trips trips", FeatureValueType.Int64, "syntax error" },
        { "1 ++ 2", FeatureValueType.Int64, "syntax error" },
        { "", FeatureValueType.Int64, "the expression is empty" },
        { "   ", FeatureValueType.Int64, "the expression is empty" },
        // Types.
        { "factor", FeatureValueType.Int64, "yields float64, which is not a int64" },
        { "trips / 2", FeatureValueType.Int32, "to_int(round(x))" },
        { "city", FeatureValueType.Float64, "yields string, which is not a float64" },
        { "trips > 1", FeatureValueType.Int64, "yields bool" },
        { "last_seen", FeatureValueType.String, "yields timestamp" },
        { "null", FeatureValueType.Int64, "always null" },
        { "city + 1", FeatureValueType.String, "the left operand of '+' must be a number, not string" },
        { "active * 2", FeatureValueType.Int64, "must be a number, not bool" },
        { "trips + null", FeatureValueType.Int64, "always null" },
        { "trips == null", FeatureValueType.Bool, "isnull(x)" },
        { "city > 1", FeatureValueType.Bool, "cannot compare string with int64" },
        { "active < true", FeatureValueType.Bool, "cannot compare bool with bool" },
        { "trips and true", FeatureValueType.Bool, "must be bool, not int64" },
        { "not trips", FeatureValueType.Bool, "must be bool, not int64" },
        { "if(trips, 1, 2)", FeatureValueType.Int64, "the condition must be bool" },
        { "if(active, 1, 'a')", FeatureValueType.Int64, "mixes int64 and string" },
        { "if(active, null, null)", FeatureValueType.Int64, "both branches" },
        { "ifnull(trips, 'a')", FeatureValueType.Int64, "ifnull() mixes int64 and string" },
        { "trips in ('a', 'b')", FeatureValueType.Bool, "cannot compare int64 with string" },
        { "trips in (1, 2) == (3, 4)", FeatureValueType.Bool, "only allowed after 'in'" },
        { "len(trips)", FeatureValueType.Int64, "len() needs a string or bytes" },
        { "lower(trips)", FeatureValueType.String, "must be string" },
        { "hour(trips)", FeatureValueType.Int64, "must be timestamp" },
        { "to_int(last_seen)", FeatureValueType.Int64, "to_int() cannot convert timestamp" },
        { "max(active, active)", FeatureValueType.Bool, "max() needs numbers, strings or timestamps" },
        { "now + 1", FeatureValueType.Timestamp, "must be a number, not timestamp" },
        { "round(factor, 1.5)", FeatureValueType.Float64, "the digits of round() must be int64" },
        // Arity.
        { "abs(1, 2)", FeatureValueType.Int64, "abs() takes 1 argument, not 2" },
        { "if(true, 1)", FeatureValueType.Int64, "if() takes 3 arguments, not 2" },
        { "max(1)", FeatureValueType.Int64, "max() takes at least 2 arguments, not 1" },
        { "round()", FeatureValueType.Int64, "round() takes 1 to 2 arguments, not 0" },
        // Operators without a clear meaning on feature values.
        { "trips & 1", FeatureValueType.Int64, "operator '&' is not supported" },
        { "trips << 1", FeatureValueType.Int64, "operator '<<' is not supported" },
        { "~trips", FeatureValueType.Int64, "operator '~' is not supported" },
        { "city like 'P%'", FeatureValueType.Bool, "operator 'like' is not supported" },
        { "#2020/01/01#", FeatureValueType.Timestamp, "literals are not supported" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Compile_refuses_with_the_reason(string expression, FeatureValueType type, string reason)
    {
        var error = Assert.Single(Refuse(("out", type, expression)));
        Assert.Equal("", error.File);
        Assert.Equal(DefinitionKind.OnDemandFeatureView, error.Kind);
        Assert.Equal("ratios", error.Object);
        Assert.Contains("output 'out': ", error.Reason, StringComparison.Ordinal);
        Assert.Contains(reason, error.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Too_long_expressions_are_refused_before_parsing()
    {
        var expression = string.Join(" + ", Enumerable.Repeat("trips", 1000));
        Assert.True(expression.Length > 4096);
        var error = Assert.Single(Refuse(("out", FeatureValueType.Int64, expression)));
        Assert.Contains("at most 4096 are allowed", error.Reason, StringComparison.Ordinal);

        var longest = string.Join(" + ", Enumerable.Repeat("1", 1000));
        Assert.True(longest.Length <= 4096);
        Assert.Contains("nested more than", Assert.Single(Refuse(("out", FeatureValueType.Int64, longest))).Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Deep_nesting_is_refused_without_exhausting_the_stack()
    {
        var parens = new string('(', 500) + "trips" + new string(')', 500);
        Assert.Equal(10L, Eval(parens, FeatureValueType.Int64)); // parentheses add no tree depth
        var tooManyParens = new string('(', 2047) + "trips" + new string(')', 2047);
        Assert.Single(Refuse(("out", FeatureValueType.Int64, tooManyParens)));
        var negations = new string('-', 2000) + "trips";
        Assert.Contains("nested more than", Assert.Single(Refuse(("out", FeatureValueType.Int64, negations))).Reason, StringComparison.Ordinal);
        var calls = string.Concat(Enumerable.Repeat("abs(", 500)) + "trips" + new string(')', 500);
        Assert.Contains("nested more than", Assert.Single(Refuse(("out", FeatureValueType.Int64, calls))).Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_bad_output_is_reported_at_once()
    {
        var errors = Refuse(
            ("a", FeatureValueType.Int64, "nope"),
            ("b", FeatureValueType.Int64, "trips +"),
            ("c", FeatureValueType.Int64, "trips"));
        Assert.Equal(2, errors.Count);
        Assert.Contains("output 'a'", errors[0].Reason, StringComparison.Ordinal);
        Assert.Contains("output 'b'", errors[1].Reason, StringComparison.Ordinal);

        var typeErrors = Refuse(("a", FeatureValueType.Int64, "city"), ("b", FeatureValueType.Bool, "trips"));
        Assert.Equal(2, typeErrors.Count);
    }

    [Fact]
    public void Views_without_outputs_or_with_duplicate_or_untyped_outputs_are_refused()
    {
        Assert.Contains("has no outputs", Assert.Single(Refuse()).Reason, StringComparison.Ordinal);
        Assert.Contains("output 'a' is defined twice",
            Assert.Single(Refuse(("a", FeatureValueType.Int64, "trips"), ("a", FeatureValueType.Int64, "trips"))).Reason,
            StringComparison.Ordinal);
        Assert.Contains(Refuse(("a", FeatureValueType.Unspecified, "trips")),
            e => e.Reason.Contains("output 'a' has no type", StringComparison.Ordinal));
    }

    [Fact]
    public void The_exception_message_lists_the_errors()
    {
        var e = Assert.Throws<FeatureDefinitionException>(() => Compile(("a", FeatureValueType.Int64, "nope")));
        Assert.Contains("on_demand_feature_view 'ratios': output 'a': unknown name 'nope'", e.Message, StringComparison.Ordinal);
    }

    private static IReadOnlyList<DefinitionError> Refuse(params (string Name, FeatureValueType Type, string Expression)[] outputs) =>
        Assert.Throws<FeatureDefinitionException>(() => CompiledOnDemandView.Compile(Spec(outputs), InputTypes)).Errors;
}
