using System.Text;
using MlOps.Orleans.Contracts.Common;
using MlOps.Orleans.Models.Mlflow;
using MlOps.Orleans.Tests.Infrastructure;

namespace MlOps.Orleans.Tests.Models.Mlflow;

[Trait("Category", Category.Unit)]
public sealed class MlmodelFileTests
{
    private static MlflowModel Parse(string yaml) => MlmodelFile.Parse(Encoding.UTF8.GetBytes(yaml));

    [Fact]
    public void Onnx_flavor_yields_its_model_file_signature_and_example()
    {
        var model = Parse(MlflowPackages.OnnxMlmodel(MlflowPackages.TensorInputs, example: true));

        Assert.Equal(["onnx", "python_function"], model.Flavors);
        Assert.Equal("model.onnx", model.OnnxModelFile);
        Assert.Equal("1.17.0", model.OnnxVersion);
        Assert.Equal("input_example.json", model.InputExampleFile);
        Assert.Equal("2.17.0", model.MlflowVersion);
        Assert.Null(model.Outputs);
        Assert.Null(model.NotServableReason);
        var features = Assert.Single(model.Inputs!.Tensors, tensor => tensor.Name == "Features");
        Assert.Equal("float32", features.Dtype);
        Assert.Equal([-1L, 4L], features.Shape);
    }

    [Fact]
    public void Column_signature_keeps_names_types_and_required()
    {
        var model = Parse(MlflowPackages.OnnxMlmodel(
            """[{"type": "double", "name": "x"}, {"type": "string", "name": "city", "required": false}]""", example: false));

        Assert.False(model.Inputs!.IsTensorSpec);
        Assert.Equal([new MlflowColumn("x", "double", true), new MlflowColumn("city", "string", false)], model.Inputs.Columns);
        Assert.Null(model.InputExampleFile);
    }

    [Fact]
    public void Python_only_flavors_are_not_servable_and_say_which()
    {
        var sklearn = Parse("flavors:\n  python_function: {loader_module: mlflow.sklearn}\n  sklearn: {pickled_model: model.pkl}\n");
        var spark = Parse("flavors:\n  spark: {model_data: sparkml}\n");

        Assert.Equal("MLmodel flavors python_function, sklearn are Python-only; not servable by this platform", sklearn.NotServableReason);
        Assert.Equal("MLmodel flavor spark is Python-only; not servable by this platform", spark.NotServableReason);
    }

    [Theory]
    [InlineData("flavors: {onnx: {data: model.onnx}\n", "MLmodel is not valid YAML: line 2")]
    [InlineData("flavors:\n  onnx: {data: a}\n  onnx: {data: b}\n", "MLmodel is not valid YAML")]
    [InlineData("", "MLmodel is empty")]
    [InlineData("flavors: {sklearn: {}}\n---\nflavors: {onnx: {}}\n", "MLmodel holds 2 YAML documents")]
    [InlineData("- flavors\n", "MLmodel must be a YAML mapping")]
    [InlineData("run_id: abc\n", "MLmodel field flavors is missing")]
    [InlineData("flavors: {}\n", "MLmodel field flavors must name at least one flavor")]
    [InlineData("flavors: [onnx]\n", "MLmodel field flavors must be a mapping")]
    [InlineData("flavors: {onnx: {onnx_version: 1.17.0}}\n", "MLmodel field flavors.onnx.data is missing")]
    [InlineData("flavors: {onnx: {data: [model.onnx]}}\n", "MLmodel field flavors.onnx.data must be a single value, not a list")]
    [InlineData("flavors: {onnx: {data: m.onnx}}\nsaved_input_example_info: {type: ndarray}\n", "MLmodel field saved_input_example_info.artifact_path is missing")]
    [InlineData("flavors: {onnx: {data: m.onnx}}\nsignature: {inputs: '[{\"type\": \"tensor\", '}\n", "MLmodel field signature.inputs is not valid JSON")]
    [InlineData("flavors: {onnx: {data: m.onnx}}\nsignature: {inputs: [{type: double}]}\n", "MLmodel field signature.inputs must be a single value")]
    [InlineData("flavors: {onnx: {data: m.onnx}}\nsignature: {inputs: '{\"type\": \"double\"}'}\n", "MLmodel field signature.inputs must be a JSON list")]
    [InlineData("flavors: {onnx: {data: m.onnx}}\nsignature: {inputs: '[{\"name\": \"x\"}]'}\n", "MLmodel field signature.inputs[0].type is missing")]
    [InlineData("flavors: {onnx: {data: m.onnx}}\nsignature: {outputs: '[{\"type\": \"tensor\", \"tensor-spec\": {\"dtype\": \"float32\", \"shape\": [-2]}}]'}\n",
        "MLmodel field signature.outputs[0].tensor-spec.shape holds -2")]
    [InlineData("flavors: {onnx: {data: m.onnx}}\nsignature: {inputs: '[{\"type\": \"tensor\", \"name\": \"x\"}]'}\n", "MLmodel field signature.inputs[0].tensor-spec must be a JSON object")]
    [InlineData("flavors: {onnx: {data: m.onnx}}\nsignature: {inputs: '[{\"type\": \"double\", \"name\": \"x\"}, {\"type\": \"tensor\", \"tensor-spec\": {\"dtype\": \"float32\", \"shape\": []}}]'}\n",
        "MLmodel field signature.inputs mixes tensors and columns")]
    [InlineData("flavors: {onnx: {data: m.onnx}}\nsignature: {inputs: '[{\"type\": \"double\", \"name\": \"x\"}, {\"type\": \"long\", \"name\": \"x\"}]'}\n",
        "MLmodel field signature.inputs names 'x' twice")]
    [InlineData("flavors: {onnx: {data: m.onnx}}\nsignature: {inputs: '[{\"type\": \"double\", \"required\": \"yes\"}]'}\n", "MLmodel field signature.inputs[0].required must be true or false")]
    public void Malformed_MLmodel_is_refused_naming_the_field(string yaml, string reason)
    {
        var refusal = Assert.Throws<MlopsException>(() => Parse(yaml));

        Assert.Contains(reason, refusal.Message, StringComparison.Ordinal);
        Assert.Equal(MlmodelFile.FileName, refusal.Field);
    }

    [Fact]
    public void Nesting_deeper_than_the_limit_is_refused_before_the_tree_is_built()
    {
        var yaml = "flavors: " + new string('[', 100_000) + new string(']', 100_000) + "\n";

        var refusal = Assert.Throws<MlopsException>(() => Parse(yaml));

        Assert.Contains($"nested more than {MlmodelFile.MaxNesting} levels deep", refusal.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_file_over_the_size_limit_is_refused_unparsed()
    {
        var refusal = Assert.Throws<MlopsException>(() => MlmodelFile.Parse(new byte[MlmodelFile.MaxBytes + 1]));

        Assert.Equal($"MLmodel is larger than {MlmodelFile.MaxBytes} bytes", refusal.Message);
    }

    [Fact]
    public void Bytes_that_are_not_UTF8_are_refused()
    {
        var refusal = Assert.Throws<MlopsException>(() => MlmodelFile.Parse([0x66, 0x6C, 0xC3, 0x28]));

        Assert.Equal("MLmodel is not UTF-8 text", refusal.Message);
    }
}
