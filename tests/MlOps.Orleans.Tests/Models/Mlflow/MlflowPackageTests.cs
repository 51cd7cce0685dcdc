using MlOps.Orleans.Models;
using MlOps.Orleans.Models.Mlflow;
using MlOps.Orleans.Tests.Infrastructure;

namespace MlOps.Orleans.Tests.Models.Mlflow;

/// <summary><see cref="ModelPackage.Validate"/> on MLflow folders: the onnx flavor checked by ONNX Runtime, the rest refused or set aside.</summary>
[Trait("Category", Category.Unit)]
public sealed class MlflowPackageTests(TrainedPackageFixture fixture) : IClassFixture<TrainedPackageFixture>
{
    [Fact]
    public void Tensor_signature_is_checked_against_the_graph_and_the_example_run()
    {
        var validation = ModelPackage.Validate(MlflowPackages.Onnx(fixture));

        Assert.True(validation.IsServable, validation.Reason);
        Assert.Equal(fixture.Manifest.Signature.Inputs.OrderBy(input => input.Name), validation.Manifest!.Signature.Inputs.OrderBy(input => input.Name), TensorSpecEquality.Instance);
        Assert.Equal(fixture.Manifest.Signature.Outputs, validation.Manifest.Signature.Outputs, TensorSpecEquality.Instance);
        Assert.Equal("MLflow", validation.Manifest.Metadata.TrainingFramework);
    }

    [Fact]
    public void Column_signature_is_mapped_onto_the_single_input_and_the_table_example_run()
    {
        var validation = ModelPackage.Validate(MlflowPackages.SingleInputOnnx(fixture));

        Assert.True(validation.IsServable, validation.Reason);
        Assert.Equal("[[0.5,-0.25,1.0,0.0],[4,3,2,1]]", validation.Manifest!.InputExample!["Features"].GetRawText());
    }

    [Theory]
    [InlineData("""[{"type": "tensor", "tensor-spec": {"dtype": "complex64", "shape": [-1, 1]}, "name": "Label"}]""",
        "MLmodel field signature.inputs tensor 'Label' has dtype 'complex64', which no ONNX tensor holds")]
    [InlineData("""[{"type": "tensor", "tensor-spec": {"dtype": "float32", "shape": [-1, 4]}}]""",
        "MLmodel field signature.inputs has an unnamed tensor, which can stand only for a model's single input; the model has 2")]
    [InlineData("""[{"type": "double", "name": "x0"}]""",
        "MLmodel field signature.inputs does not fit the model's ONNX inputs: the columns ('x0') are not the model's 2 ONNX inputs")]
    public void A_signature_the_graph_cannot_take_is_refused(string inputs, string reason)
    {
        var validation = ModelPackage.Validate(MlflowPackages.Onnx(fixture, inputs, example: null));

        Assert.False(validation.IsValid);
        Assert.StartsWith(reason, validation.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_model_file_is_refused_naming_the_field()
    {
        var folder = MlflowPackages.Onnx(fixture);
        File.Delete(Path.Combine(folder, "model.onnx"));

        Assert.Equal("model file 'model.onnx' named by MLmodel field flavors.onnx.data is missing from the package", ModelPackage.Validate(folder).Reason);
    }

    [Fact]
    public void A_model_file_path_out_of_the_package_is_refused()
    {
        var folder = MlflowPackages.WithMlmodel(fixture, MlflowPackages.OnnxMlmodel(MlflowPackages.TensorInputs, example: false, data: "../package/model.onnx"));

        Assert.StartsWith("MLmodel field flavors.onnx.data '../package/model.onnx' must not contain '..'", ModelPackage.Validate(folder).Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_input_example_is_refused_naming_the_field()
    {
        var folder = MlflowPackages.Onnx(fixture);
        File.Delete(Path.Combine(folder, "input_example.json"));

        Assert.Equal("input example 'input_example.json' named by MLmodel field saved_input_example_info.artifact_path is missing from the package",
            ModelPackage.Validate(folder).Reason);
    }

    [Theory]
    [InlineData("""{"dataframe_split": {"columns": ["Label"], "data": [[true]]}}""", "input example 'input_example.json' must hold {\"inputs\": ...}")]
    [InlineData("""{"inputs": {"Label": [[true]]}}""", "input_example has no value for input 'Features'")]
    [InlineData("""{"inputs": {"Label": [[true]], "Features": [[1, 2, 3]]}}""", "input_example for input 'Features' has 3 entries in dimension 1")]
    [InlineData("""{"inputs": [[1, 2, 3, 4]]}""", "input example 'input_example.json' holds one unnamed tensor, but the model takes 2 inputs")]
    public void An_input_example_that_does_not_fit_is_refused(string example, string reason)
    {
        var validation = ModelPackage.Validate(MlflowPackages.Onnx(fixture, example: example));

        Assert.StartsWith(reason, validation.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Python_only_flavors_are_valid_but_not_servable()
    {
        var validation = ModelPackage.Validate(MlflowPackages.Sklearn(fixture));

        Assert.True(validation.IsValid);
        Assert.False(validation.IsServable);
        Assert.Equal("MLmodel flavors python_function, sklearn are Python-only; not servable by this platform", validation.Reason);
    }

    [Fact]
    public void Beside_the_manifest_the_MLmodel_must_name_the_same_model_file()
    {
        var agreeing = fixture.CopyPackage();
        File.WriteAllText(Path.Combine(agreeing, MlmodelFile.FileName), MlflowPackages.OnnxMlmodel("[{\"type\": \"double\"}]", example: false));
        var disagreeing = fixture.CopyPackage();
        File.WriteAllText(Path.Combine(disagreeing, MlmodelFile.FileName), MlflowPackages.OnnxMlmodel(MlflowPackages.TensorInputs, example: false, data: "other.onnx"));
        var malformed = fixture.CopyPackage();
        File.WriteAllText(Path.Combine(malformed, MlmodelFile.FileName), "flavors: [");

        Assert.True(ModelPackage.Validate(agreeing).IsServable, ModelPackage.Validate(agreeing).Reason);
        Assert.Equal("MLmodel field flavors.onnx.data names 'other.onnx' but mlops-model.json model_file names 'model.onnx'; both must name the same model file",
            ModelPackage.Validate(disagreeing).Reason);
        Assert.StartsWith("MLmodel is not valid YAML", ModelPackage.Validate(malformed).Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_folder_with_neither_file_names_both()
    {
        var folder = fixture.CopyPackage();
        File.Delete(Path.Combine(folder, ModelPackage.ManifestFileName));

        Assert.Equal("manifest mlops-model.json is missing, and there is no MLflow MLmodel either", ModelPackage.Validate(folder).Reason);
    }
}
