using MlOps.Orleans.Features.Definitions;
using MlOps.Orleans.Tests.Infrastructure;

namespace MlOps.Orleans.Tests.Features.Definitions;

[Trait("Category", Category.Unit)]
public sealed class TtlFormatTests
{
    public static TheoryData<string, double?> Valid => new()
    {
        { "90s", 90 },
        { "15m", 900 },
        { "2h", 7200 },
        { "1d", 86400 },
        { "1w", 604800 },
        { "1d12h", 129600 },
        { "1.5h", 5400 },
        { "3600", 3600 },
        { "P1DT2H", 93600 },
        { "PT30M", 1800 },
        { "P2W", 1209600 },
        { "PT1.5S", 1.5 },
        { "-1d", -86400 },
        { "0", null },
        { "0s", null },
        { "", null },
    };

    [Theory]
    [MemberData(nameof(Valid))]
    public void Durations_parse(string text, double? seconds)
    {
        Assert.True(TtlFormat.TryParse(text, out var ttl, out var error), error);
        Assert.Equal(seconds, ttl?.TotalSeconds);
    }

    [Theory]
    [InlineData("1y")]
    [InlineData("P1Y")]
    [InlineData("P1M")]
    [InlineData("P")]
    [InlineData("PT")]
    [InlineData("abc")]
    [InlineData("1 day")]
    [InlineData("99999999999w")]
    public void Other_text_is_refused(string text)
    {
        Assert.False(TtlFormat.TryParse(text, out _, out var error));
        Assert.Contains("is not a duration", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Format_uses_the_largest_whole_units()
    {
        Assert.Equal("none", TtlFormat.Format(null));
        Assert.Equal("1d", TtlFormat.Format(TimeSpan.FromDays(1)));
        Assert.Equal("2w", TtlFormat.Format(TimeSpan.FromDays(14)));
        Assert.Equal("8d", TtlFormat.Format(TimeSpan.FromDays(8)));
        Assert.Equal("1d2h30m", TtlFormat.Format(new TimeSpan(1, 2, 30, 0)));
        Assert.Equal("1m1.5s", TtlFormat.Format(TimeSpan.FromMilliseconds(61_500)));
        Assert.Equal("-1d", TtlFormat.Format(TimeSpan.FromDays(-1)));
    }
}
