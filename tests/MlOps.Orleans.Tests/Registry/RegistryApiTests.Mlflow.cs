using MlOps.Orleans.Tests.Mlflow;
using MlOps.Orleans.Tests.Models.Mlflow;
using Reg = MlOps.Orleans.Protos.Registry.V1;

namespace MlOps.Orleans.Tests.Registry;

/// <summary>Registering MLflow model folders (MLmodel written by the test, ONNX graph from ML.NET).</summary>
public abstract partial class RegistryApiTests
{
    private async Task<Reg.ModelVersion> RegisterFolder(string folder) => await Register(await NewModel(), await RunWithPackage(packageDirectory: folder));

    [Fact]
    public async Task MLmodel_onnx_flavor_with_a_tensor_signature_registers_ready_and_validated()
    {
        var v = await RegisterFolder(MlflowPackages.Onnx(package));

        Assert.Equal(Reg.ModelVersionStatus.Ready, v.Status);
        Assert.Equal("", v.StatusMessage);
    }

    [Fact]
    public async Task MLmodel_onnx_flavor_with_a_column_signature_registers_ready_and_validated()
    {
        var v = await RegisterFolder(MlflowPackages.SingleInputOnnx(package));

        Assert.Equal(Reg.ModelVersionStatus.Ready, v.Status);
        Assert.Equal("", v.StatusMessage);
    }

    [Fact]
    public async Task MLmodel_with_only_Python_flavors_registers_ready_marked_not_servable_and_keeps_its_files()
    {
        var v = await RegisterFolder(MlflowPackages.Sklearn(package));

        const string reason = "registered without validation: MLmodel flavors python_function, sklearn are Python-only; not servable by this platform";
        Assert.Equal(Reg.ModelVersionStatus.Ready, v.Status);
        Assert.Equal(reason, v.StatusMessage);
        var rest = new MlflowRest(platform.Http);
        var overMlflow = await rest.Ok(rest.Get("model-versions/get", ("name", v.Name), ("version", "1")));
        Assert.Equal(reason, (string?)overMlflow["model_version"]!["status_message"]);
        foreach (var file in new[] { "model.pkl", "conda.yaml", "python_env.yaml", "requirements.txt" })
        {
            await using var stored = await Store.OpenReadAsync($"{v.StorageLocation}/{file}");
            Assert.True(stored.FileSize > 0, file);
        }
    }

    [Theory]
    [InlineData("""[{"type": "tensor", "tensor-spec": {"dtype": "bool", "shape": [-1, 1]}, "name": "Label"}, {"type": "tensor", "tensor-spec": {"dtype": "float32", "shape": [-1, 5]}, "name": "Features"}]""",
        "input 'Features' dimension 1 is 5 in the MLmodel signature but 4 in the model")]
    [InlineData("""[{"type": "tensor", "tensor-spec": {"dtype": "bool", "shape": [-1, 1]}, "name": "Label"}, {"type": "tensor", "tensor-spec": {"dtype": "float64", "shape": [-1, 4]}, "name": "Features"}]""",
        "input 'Features' element_type is float64 in the MLmodel signature but float32 in the model")]
    [InlineData("""[{"type": "tensor", "tensor-spec": {"dtype": "bool", "shape": [-1, 1]}, "name": "Label"}, {"type": "tensor", "tensor-spec": {"dtype": "float32", "shape": [-1, 4]}, "name": "input"}]""",
        "input 'input' is in the MLmodel signature but the model has no such input")]
    public async Task MLmodel_with_a_lying_signature_ends_failed_registration_with_the_reason(string inputs, string reason)
    {
        var v = await RegisterFolder(MlflowPackages.Onnx(package, inputs, example: null));

        Assert.Equal(Reg.ModelVersionStatus.FailedRegistration, v.Status);
        Assert.StartsWith(reason, v.StatusMessage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MLmodel_with_columns_the_single_input_cannot_take_ends_failed_registration_with_the_reason()
    {
        var v = await RegisterFolder(MlflowPackages.SingleInputOnnx(package,
            """[{"type": "double", "name": "x0"}, {"type": "double", "name": "x1"}, {"type": "string", "name": "x2"}]""", example: null));

        Assert.Equal(Reg.ModelVersionStatus.FailedRegistration, v.Status);
        Assert.Equal("MLmodel field signature.inputs does not fit the model's ONNX inputs: the 3 columns stack into ONNX input 'Features' "
            + "only if its shape is [-1, 3], and it is [-1, 4]", v.StatusMessage);
    }

    [Fact]
    public async Task MLmodel_that_is_not_YAML_ends_failed_registration_with_the_reason()
    {
        var v = await RegisterFolder(MlflowPackages.WithMlmodel(package, "flavors:\n  onnx: {data: model.onnx\n"));

        Assert.Equal(Reg.ModelVersionStatus.FailedRegistration, v.Status);
        Assert.StartsWith("MLmodel is not valid YAML: line 3", v.StatusMessage, StringComparison.Ordinal);
    }
}
