using MlOps.Orleans.Contracts.Features;
using MlOps.Orleans.Tests.Infrastructure;
using static MlOps.Orleans.Tests.Features.Transforms.OnDemandTestViews;

namespace MlOps.Orleans.Tests.Features.Transforms;

/// <summary>Values of expressions on the sample row, including coercion to the declared output type.</summary>
[Trait("Category", Category.Unit)]
public sealed class ExpressionEvaluationTests
{
    public static TheoryData<string, FeatureValueType, object?> Cases => new()
    {
        // Arithmetic, mixing ints and floats, bare and full names.
        { "stats__conv_rate + val_to_add", FeatureValueType.Float64, 2.5 },
        { "trips * 2 + val_to_add", FeatureValueType.Int64, 22L },
        { "trips - 12", FeatureValueType.Int64, -2L },
        { "trips / 4", FeatureValueType.Float64, 2.5 },
        { "trips % 4", FeatureValueType.Int64, 2L },
        { "-trips % 4", FeatureValueType.Int64, -2L },
        { "factor % 2", FeatureValueType.Float64, 1.0 },
        { "trips ** 2", FeatureValueType.Float64, 100.0 },
        { "small + trips_other", FeatureValueType.Int32, 10 },
        { "score * 2", FeatureValueType.Float32, 3f },
        { "-other__conv_rate", FeatureValueType.Float64, -0.25 },
        // Coercion: an int expression fits every numeric output type.
        { "trips", FeatureValueType.Float64, 10.0 },
        { "trips", FeatureValueType.Float32, 10f },
        { "trips", FeatureValueType.Int32, 10 },
        { "small", FeatureValueType.Int64, 7L },
        { "3000000000", FeatureValueType.Int32, null },
        { "1e300 * factor", FeatureValueType.Float32, null },
        // Overflow, division by zero and non-finite results are null.
        { "9223372036854775807 + trips", FeatureValueType.Int64, null },
        { "-9223372036854775807 - trips", FeatureValueType.Int64, null },
        { "9223372036854775807 * val_to_add", FeatureValueType.Int64, null },
        { "4611686018427387904 * val_to_add", FeatureValueType.Int64, null },
        { "-4611686018427387904 * val_to_add", FeatureValueType.Int64, long.MinValue },
        { "trips / 0", FeatureValueType.Float64, null },
        { "trips % 0", FeatureValueType.Int64, null },
        { "factor % 0", FeatureValueType.Float64, null },
        { "ifnull(trips / 0, -1)", FeatureValueType.Float64, -1.0 },
        { "sqrt(-factor)", FeatureValueType.Float64, null },
        { "log(0)", FeatureValueType.Float64, null },
        { "exp(1000)", FeatureValueType.Float64, null },
        // Comparisons and logic.
        { "trips > 5 and active", FeatureValueType.Bool, true },
        { "trips >= 10.0", FeatureValueType.Bool, true },
        { "trips == 10.0", FeatureValueType.Bool, true },
        { "trips != 10", FeatureValueType.Bool, false },
        { "trips = 10", FeatureValueType.Bool, true },
        { "city < 'Rome'", FeatureValueType.Bool, true },
        { "city == 'Paris' or false", FeatureValueType.Bool, true },
        { "not active", FeatureValueType.Bool, false },
        { "!active", FeatureValueType.Bool, false },
        { "now > last_seen", FeatureValueType.Bool, true },
        { "trips in (1, 10, 100)", FeatureValueType.Bool, true },
        { "trips in (1.0, 10.0)", FeatureValueType.Bool, true },
        { "factor in (3, 4)", FeatureValueType.Bool, true },
        { "city not in ('Paris', 'Rome')", FeatureValueType.Bool, false },
        { "blob == blob", FeatureValueType.Bool, true },
        // Conditionals.
        { "if(trips > 5, 'many', 'few')", FeatureValueType.String, "many" },
        { "trips > 50 ? 1 : 2.5", FeatureValueType.Float64, 2.5 },
        { "if(active, trips, null)", FeatureValueType.Int64, 10L },
        // Functions.
        { "abs(-trips)", FeatureValueType.Int64, 10L },
        { "abs(-factor)", FeatureValueType.Float64, 3.0 },
        { "sign(-factor)", FeatureValueType.Int64, -1L },
        { "min(trips, 3, val_to_add)", FeatureValueType.Int64, 2L },
        { "max(trips, factor)", FeatureValueType.Float64, 10.0 },
        { "max(city, label)", FeatureValueType.String, "Paris" },
        { "max(now, last_seen)", FeatureValueType.Timestamp, new DateTime(2024, 3, 10, 9, 0, 0, DateTimeKind.Utc) },
        { "round(2.5)", FeatureValueType.Float64, 3.0 },
        { "round(-2.5)", FeatureValueType.Float64, -3.0 },
        { "round(1.23456, 2)", FeatureValueType.Float64, 1.23 },
        { "round(1.5, 99)", FeatureValueType.Float64, null },
        { "round(trips)", FeatureValueType.Int64, 10L },
        { "floor(-1.5)", FeatureValueType.Float64, -2.0 },
        { "ceiling(1.2)", FeatureValueType.Float64, 2.0 },
        { "CEIL(1.2)", FeatureValueType.Float64, 2.0 },
        { "truncate(-1.7)", FeatureValueType.Float64, -1.0 },
        { "sqrt(16)", FeatureValueType.Float64, 4.0 },
        { "pow(2, 10)", FeatureValueType.Float64, 1024.0 },
        { "log(8, 2)", FeatureValueType.Float64, 3.0 },
        { "log10(1000)", FeatureValueType.Float64, 3.0 },
        { "exp(0)", FeatureValueType.Float64, 1.0 },
        { "Abs(-1)", FeatureValueType.Int64, 1L },
        { "len(city)", FeatureValueType.Int64, 5L },
        { "len(blob)", FeatureValueType.Int32, 3 },
        { "lower(label)", FeatureValueType.String, "abc" },
        { "upper(label)", FeatureValueType.String, "ABC" },
        { "trim('  x ')", FeatureValueType.String, "x" },
        { "contains(city, 'ar')", FeatureValueType.Bool, true },
        { "starts_with(city, 'Pa')", FeatureValueType.Bool, true },
        { "ends_with(city, 'X')", FeatureValueType.Bool, false },
        { "city + '-' + label", FeatureValueType.String, "Paris-Abc" },
        { "concat(city, ':', trips, ':', factor, ':', active)", FeatureValueType.String, "Paris:10:3:true" },
        { "to_string(other__conv_rate)", FeatureValueType.String, "0.25" },
        { "to_int(-2.9)", FeatureValueType.Int64, -2L },
        { "to_int('42')", FeatureValueType.Int64, 42L },
        { "to_int('4x')", FeatureValueType.Int64, null },
        { "to_int(1e30)", FeatureValueType.Int64, null },
        { "to_int(active)", FeatureValueType.Int64, 1L },
        { "to_float('1.5e1')", FeatureValueType.Float64, 15.0 },
        { "to_float(trips)", FeatureValueType.Float64, 10.0 },
        { "year(last_seen)", FeatureValueType.Int64, 2024L },
        { "month(last_seen)", FeatureValueType.Int64, 3L },
        { "day(last_seen)", FeatureValueType.Int64, 10L },
        { "hour(last_seen)", FeatureValueType.Int32, 8 },
        { "minute(last_seen)", FeatureValueType.Int64, 30L },
        { "day_of_week(last_seen)", FeatureValueType.Int64, 7L },
        { "day_of_year(last_seen)", FeatureValueType.Int64, 70L },
        { "epoch_seconds(last_seen)", FeatureValueType.Int64, 1710059400L },
        { "now - last_seen", FeatureValueType.Float64, 1800.0 },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Expression_has_the_expected_value(string expression, FeatureValueType type, object? expected)
    {
        var actual = Eval(expression, type);
        if (expected is double d && actual is double a)
        {
            Assert.Equal(d, a, 12);
            return;
        }
        Assert.Equal(expected, actual);
        if (actual is not null)
        {
            Assert.True(FeatureTypes.IsValueOf(type, actual), $"{actual.GetType().Name} is not a {type}");
        }
    }
}
