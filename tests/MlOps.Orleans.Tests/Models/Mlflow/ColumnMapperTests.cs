using System.Text.Json;
using MlOps.Orleans.Contracts.Common;
using MlOps.Orleans.Models;
using MlOps.Orleans.Models.Mlflow;
using MlOps.Orleans.Tests.Infrastructure;

namespace MlOps.Orleans.Tests.Models.Mlflow;

[Trait("Category", Category.Unit)]
public sealed class ColumnMapperTests
{
    private static readonly TensorSpec Features = new("Features", ElementType.Float32, [-1, 4]);

    private static MlflowColumn Column(string name, string type = "double") => new(name, type, true);

    private static MlflowColumn[] FourDoubles => [Column("x0"), Column("x1"), Column("x2"), Column("x3")];

    [Fact]
    public void Columns_named_like_the_inputs_feed_one_input_each_in_model_order()
    {
        TensorSpec age = new("age", ElementType.Int64, [-1, 1]), city = new("city", ElementType.String, [-1]);

        var mapping = ColumnMapper.Map([Column("city", "string"), Column("age", "long")], [age, city]);

        Assert.False(mapping.Stacked);
        Assert.Equal([("age", "age"), ("city", "city")], mapping.Feeds.Select(feed => (feed.Input.Name, Assert.Single(feed.Columns))));
    }

    [Fact]
    public void Other_columns_stack_in_signature_order_into_the_only_input()
    {
        var mapping = ColumnMapper.Map(FourDoubles, [Features]);

        Assert.True(mapping.Stacked);
        var feed = Assert.Single(mapping.Feeds);
        Assert.Same(Features, feed.Input);
        Assert.Equal(["x0", "x1", "x2", "x3"], feed.Columns);
    }

    [Theory]
    [InlineData("boolean")]
    [InlineData("integer")]
    [InlineData("long")]
    [InlineData("float")]
    public void Numbers_and_booleans_cast_to_a_numeric_input_of_variable_width(string type)
    {
        var mapping = ColumnMapper.Map([Column("a", type), Column("b")], [new TensorSpec("input", ElementType.Int32, [-1, -1])]);

        Assert.Equal(["a", "b"], Assert.Single(mapping.Feeds).Columns);
    }

    public static TheoryData<MlflowColumn[], TensorSpec[], string> Refusals => new()
    {
        { FourDoubles, [Features, new TensorSpec("Label", ElementType.Bool, [-1, 1])],
            "the columns ('x0', 'x1', 'x2', 'x3') are not the model's 2 ONNX inputs ('Features', 'Label') one to one, and only a model with a single input takes all columns stacked" },
        { FourDoubles[..3], [Features], "the 3 columns stack into ONNX input 'Features' only if its shape is [-1, 3], and it is [-1, 4]" },
        { FourDoubles, [new TensorSpec("image", ElementType.Float32, [-1, 2, 2])], "the 4 columns stack into ONNX input 'image' only if its shape is [-1, 4], and it is [-1, 2, 2]" },
        { [Column("Features")], [Features], "column 'Features' feeds ONNX input 'Features' of shape [-1, 4]; one column fills only [-1] or [-1, 1]" },
        { [.. FourDoubles[..3], Column("x3", "string")], [Features],
            "column 'x3' (string) cannot be cast to ONNX input 'Features' (float32): text feeds only string inputs" },
        { [Column("flag", "double")], [new TensorSpec("flag", ElementType.Bool, [-1])], "column 'flag' (double) cannot be cast to ONNX input 'flag' (bool)" },
        { [Column("x0"), new MlflowColumn("x1", "double", false)], [Features], "column 'x1' is optional (required: false), but an ONNX input needs a value in every row" },
        { [Column("x0"), new MlflowColumn(null, "double", true)], [Features], "column 1 has no name; columns are matched to ONNX inputs by name" },
        { [Column("when", "datetime")], [Features], "column 'when' has type 'datetime', which no ONNX tensor holds; the onnx flavor takes boolean, integer, long, float, double, string" },
        { [Column("x0"), Column("x0")], [Features], "column 'x0' appears twice" },
    };

    [Theory]
    [MemberData(nameof(Refusals))]
    public void Columns_that_cannot_feed_the_inputs_are_refused_with_the_reason(MlflowColumn[] columns, TensorSpec[] inputs, string reason)
    {
        var refusal = Assert.Throws<MlopsException>(() => ColumnMapper.Map(columns, inputs));

        Assert.StartsWith(reason, refusal.Message, StringComparison.Ordinal);
        Assert.Equal("signature", refusal.Field);
    }

    [Fact]
    public void A_table_stacks_by_column_name_and_casts_booleans_and_whole_numbers()
    {
        var mapping = ColumnMapper.Map([Column("x0", "boolean"), Column("x1", "long")], [new TensorSpec("input", ElementType.Int64, [-1, 2])]);

        var inputs = FrameTensors.ToInputs(mapping, Frame("""{"columns": ["x1", "x0"], "data": [[3.0, true], [-2, false]]}"""), "example");

        Assert.Equal("[[1,3],[0,-2]]", inputs["input"].GetRawText());
    }

    [Fact]
    public void A_table_fills_per_column_inputs_at_their_rank()
    {
        TensorSpec age = new("age", ElementType.Float32, [-1, 1]), city = new("city", ElementType.String, [-1]);
        var mapping = ColumnMapper.Map([Column("age"), Column("city", "string")], [age, city]);

        var inputs = FrameTensors.ToInputs(mapping, Frame("""{"columns": ["age", "city"], "data": [[41.5, "Oslo"], [7, "Lima"]], "index": [0, 1]}"""), "example");

        Assert.Equal("[[41.5],[7]]", inputs["age"].GetRawText());
        Assert.Equal("""["Oslo","Lima"]""", inputs["city"].GetRawText());
    }

    [Theory]
    [InlineData("""{"columns": ["x0", "x1", "x2"], "data": [[1, 2, 3]]}""", "example has no column 'x3', which the signature requires")]
    [InlineData("""{"columns": ["x0", "x1", "x2", "x3", "y"], "data": [[1, 2, 3, 4, 5]]}""", "example has column 'y', which the signature does not have")]
    public void A_table_must_hold_exactly_the_signature_columns(string frame, string reason)
    {
        var mapping = ColumnMapper.Map(FourDoubles, [Features]);

        var refusal = Assert.Throws<MlopsException>(() => FrameTensors.ToInputs(mapping, Frame(frame), "example"));

        Assert.Equal(reason, refusal.Message);
    }

    [Theory]
    [InlineData("""{"columns": ["a"], "data": [[1, 2]]}""", "t: row 0 must be a list of 1 values, one per column")]
    [InlineData("""{"columns": ["a", "a"], "data": []}""", "t: column 'a' appears twice")]
    [InlineData("""{"columns": [1], "data": []}""", "t: column names must be strings, not 1")]
    [InlineData("""{"data": []}""", "t must hold a table as {\"columns\": [...], \"data\": [[...], ...]}")]
    public void A_table_in_the_wrong_shape_is_refused(string frame, string reason)
    {
        using var document = JsonDocument.Parse(frame);

        var refusal = Assert.Throws<MlopsException>(() => DataFrameSplit.Parse(document.RootElement, "t"));

        Assert.Equal(reason, refusal.Message);
    }

    private static DataFrameSplit Frame(string json) => DataFrameSplit.Parse(JsonDocument.Parse(json).RootElement, "example");
}
