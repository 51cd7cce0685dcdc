using System.Text.Json.Nodes;
using MlOps.Orleans.Bench.Measure;
using MlOps.Orleans.Tests.Infrastructure;

namespace MlOps.Orleans.Tests.Bench;

/// <summary>A void run's NaN figures are written as null instead of crashing the command that measured it.</summary>
[Trait("Category", Category.Unit)]
public sealed class JsonFiniteTests
{
    [Fact]
    public void Non_finite_numbers_anywhere_in_a_record_become_null_and_the_rest_is_kept()
    {
        var record = new JsonObject
        {
            ["median"] = double.NaN,
            ["ratio"] = 1.25,
            ["nested"] = new JsonObject { ["p99"] = double.PositiveInfinity, ["count"] = 3, ["reason"] = "void" },
            ["seconds"] = new JsonArray(1.5, double.NegativeInfinity, float.NaN),
        };
        Assert.Throws<ArgumentException>(() => record.ToJsonString());

        Assert.Equal(4, JsonFinite.Scrub(record));

        Assert.Equal("""{"median":null,"ratio":1.25,"nested":{"p99":null,"count":3,"reason":"void"},"seconds":[1.5,null,null]}""", record.ToJsonString());
    }

    [Fact]
    public void A_record_of_finite_numbers_is_left_alone()
    {
        var record = new JsonObject { ["a"] = 0.0, ["b"] = new JsonArray(1, 2) };
        Assert.Equal(0, JsonFinite.Scrub(record));
        Assert.Equal("""{"a":0,"b":[1,2]}""", record.ToJsonString());
    }
}
