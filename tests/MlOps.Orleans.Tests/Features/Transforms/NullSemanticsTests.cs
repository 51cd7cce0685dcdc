using MlOps.Orleans.Contracts.Features;
using MlOps.Orleans.Tests.Infrastructure;
using static MlOps.Orleans.Tests.Features.Transforms.OnDemandTestViews;

namespace MlOps.Orleans.Tests.Features.Transforms;

/// <summary>How missing values flow: operators propagate null, a few functions and three-valued logic absorb it.</summary>
[Trait("Category", Category.Unit)]
public sealed class NullSemanticsTests
{
    private static readonly Dictionary<string, object?> NoTrips = With(("stats__trips", null));

    public static TheoryData<string, FeatureValueType, object?> Cases => new()
    {
        { "trips + 1", FeatureValueType.Int64, null },
        { "trips * 0", FeatureValueType.Int64, null },
        { "trips / 2", FeatureValueType.Float64, null },
        { "-trips", FeatureValueType.Int64, null },
        { "abs(trips)", FeatureValueType.Int64, null },
        { "min(trips, 1)", FeatureValueType.Int64, null },
        { "to_string(trips)", FeatureValueType.String, null },
        { "trips > 1", FeatureValueType.Bool, null },
        { "trips == trips", FeatureValueType.Bool, null },
        { "trips in (1, 2)", FeatureValueType.Bool, null },
        { "isnull(trips)", FeatureValueType.Bool, true },
        { "ifnull(trips, -1)", FeatureValueType.Int64, -1L },
        { "trips ?? 5", FeatureValueType.Int64, 5L },
        { "coalesce(trips, null, val_to_add)", FeatureValueType.Int64, 2L },
        { "coalesce(trips, factor)", FeatureValueType.Float64, 3.0 },
        { "concat('n=', trips, '!')", FeatureValueType.String, "n=!" },
        // Three-valued logic: false AND null is false, true OR null is true, otherwise null.
        { "trips > 1 and false", FeatureValueType.Bool, false },
        { "false and trips > 1", FeatureValueType.Bool, false },
        { "trips > 1 and true", FeatureValueType.Bool, null },
        { "trips > 1 or true", FeatureValueType.Bool, true },
        { "trips > 1 or false", FeatureValueType.Bool, null },
        { "not (trips > 1)", FeatureValueType.Bool, null },
        // A null condition takes the else branch.
        { "if(trips > 1, 'yes', 'no')", FeatureValueType.String, "no" },
        { "trips > 1 ? 1 : 0", FeatureValueType.Int64, 0L },
        { "if(isnull(trips), 0, trips)", FeatureValueType.Int64, 0L },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Null_input_gives_the_documented_result(string expression, FeatureValueType type, object? expected) =>
        Assert.Equal(expected, Eval(expression, type, NoTrips));

    [Fact]
    public void A_null_request_field_or_timestamp_propagates()
    {
        var row = With(("val_to_add", null), ("now", null));
        Assert.Null(Eval("stats__conv_rate + val_to_add", FeatureValueType.Float64, row));
        Assert.Null(Eval("now - last_seen", FeatureValueType.Float64, row));
        Assert.Null(Eval("hour(now)", FeatureValueType.Int64, row));
    }

    [Fact]
    public void NaN_and_infinite_inputs_read_as_null()
    {
        Assert.Equal(true, Eval("isnull(factor)", FeatureValueType.Bool, With(("factor", double.NaN))));
        Assert.Equal(true, Eval("isnull(score)", FeatureValueType.Bool, With(("stats__score", float.PositiveInfinity))));
    }

    [Fact]
    public void An_input_of_the_wrong_clr_type_nulls_only_the_outputs_that_read_it()
    {
        var view = Compile(("a", FeatureValueType.Int64, "trips + 1"), ("b", FeatureValueType.Float64, "factor * 2"));
        var outputs = Run(view, With(("stats__trips", "not a number")));
        Assert.Null(outputs[0]);
        Assert.Equal(6.0, outputs[1]);
    }

    [Fact]
    public void Narrower_and_wider_input_widths_are_accepted()
    {
        Assert.Equal(11L, Eval("trips + 1", FeatureValueType.Int64, With(("stats__trips", 10))));
        Assert.Equal(4.0, Eval("factor + 1", FeatureValueType.Float64, With(("factor", 3f))));
        var local = new DateTime(2024, 3, 10, 8, 30, 0, DateTimeKind.Unspecified);
        Assert.Equal(8L, Eval("hour(last_seen)", FeatureValueType.Int64, With(("stats__last_seen", local))));
        var offset = new DateTimeOffset(2024, 3, 10, 10, 30, 0, TimeSpan.FromHours(2));
        Assert.Equal(8L, Eval("hour(last_seen)", FeatureValueType.Int64, With(("stats__last_seen", offset))));
    }
}
