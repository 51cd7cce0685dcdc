using System.Text.Json.Nodes;
using MlOps.Orleans.Models;
using MlOps.Orleans.Tests.Infrastructure;

namespace MlOps.Orleans.Tests.Models;

[Trait("Category", Category.Unit)]
public sealed class PackageValidationTests(TrainedPackageFixture fixture) : IClassFixture<TrainedPackageFixture>
{
    [Fact]
    public void Validation_rejects_a_folder_without_manifest()
    {
        var package = fixture.CopyPackage();
        File.Delete(Path.Combine(package, ModelPackage.ManifestFileName));

        AssertInvalid(package, "mlops-model.json is missing");
    }

    [Fact]
    public void Validation_rejects_a_manifest_that_is_not_json()
    {
        var package = fixture.CopyPackage();
        File.WriteAllText(Path.Combine(package, ModelPackage.ManifestFileName), "flavor: onnx\n");

        AssertInvalid(package, "not valid JSON");
    }

    [Fact]
    public void Validation_rejects_a_flavor_other_than_onnx()
    {
        var package = fixture.CopyPackage();
        PackageFiles.EditManifest(package, manifest => manifest["flavor"] = "pickle");

        AssertInvalid(package, "flavor 'pickle' is not supported");
    }

    [Fact]
    public void Validation_rejects_a_missing_model_file()
    {
        var package = fixture.CopyPackage();
        File.Delete(Path.Combine(package, "model.onnx"));

        AssertInvalid(package, "model file 'model.onnx' named by the manifest is missing");
    }

    [Theory]
    [InlineData("../package/model.onnx", "'..'")]
    [InlineData("sub/../model.onnx", "'..'")]
    [InlineData("/etc/passwd", "relative")]
    [InlineData("C:model.onnx", "relative")]
    [InlineData("sub\\model.onnx", "backslash")]
    [InlineData("./model.onnx", "'..'")]
    public void Validation_rejects_a_model_file_path_that_leaves_the_package(string modelFile, string problem)
    {
        var package = fixture.CopyPackage();
        PackageFiles.EditManifest(package, manifest => manifest["model_file"] = modelFile);

        var reason = AssertInvalid(package, $"model_file '{modelFile}'");
        Assert.Contains(problem, reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Validation_rejects_a_model_file_that_is_a_link_out_of_the_package()
    {
        var package = fixture.CopyPackage();
        File.Delete(Path.Combine(package, "model.onnx"));
        File.CreateSymbolicLink(Path.Combine(package, "model.onnx"), Path.Combine(fixture.PackageDirectory, "model.onnx"));

        AssertInvalid(package, "symbolic link");
    }

    [Fact]
    public void Validation_rejects_garbage_bytes_as_onnx()
    {
        var package = fixture.CopyPackage();
        File.WriteAllBytes(Path.Combine(package, "model.onnx"), Enumerable.Range(0, 4096).Select(i => (byte)(i * 131 % 251)).ToArray());

        var reason = AssertInvalid(package, "ONNX Runtime cannot load model file 'model.onnx'");
        Assert.DoesNotContain(package, reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Validation_rejects_an_input_name_the_model_does_not_have()
    {
        var package = fixture.CopyPackage();
        PackageFiles.EditManifest(package, manifest =>
        {
            PackageFiles.Input(manifest, "Features")["name"] = "features";
            manifest.Remove("input_example");
        });

        AssertInvalid(package, "input 'features' is in the manifest but the model has no such input");
    }

    [Fact]
    public void Validation_rejects_a_model_input_the_manifest_leaves_out()
    {
        var package = fixture.CopyPackage();
        PackageFiles.EditManifest(package, manifest =>
        {
            manifest["signature"]!["inputs"]!.AsArray().Remove(PackageFiles.Input(manifest, "Label"));
            manifest.Remove("input_example");
        });

        AssertInvalid(package, "the model has input 'Label' that the manifest does not declare");
    }

    [Fact]
    public void Validation_rejects_an_output_the_model_does_not_have()
    {
        var package = fixture.CopyPackage();
        PackageFiles.EditManifest(package, manifest =>
            manifest["signature"]!["outputs"]!.AsArray().Add(new JsonObject
            {
                ["name"] = "Margin", ["element_type"] = "float32", ["shape"] = new JsonArray(-1, 1),
            }));

        AssertInvalid(package, "output 'Margin' is in the manifest but the model has no such output");
    }

    [Fact]
    public void Validation_rejects_a_wrong_element_type()
    {
        var package = fixture.CopyPackage();
        PackageFiles.EditManifest(package, manifest => PackageFiles.Input(manifest, "Features")["element_type"] = "float64");

        AssertInvalid(package, "input 'Features' element_type is float64 in the manifest but float32 in the model");
    }

    [Fact]
    public void Validation_rejects_a_rank_mismatch()
    {
        var package = fixture.CopyPackage();
        PackageFiles.EditManifest(package, manifest => PackageFiles.Input(manifest, "Features")["shape"] = new JsonArray(4));

        AssertInvalid(package, "input 'Features' rank is 1 [4] in the manifest but 2 [-1, 4] in the model");
    }

    [Fact]
    public void Validation_rejects_a_fixed_dimension_mismatch()
    {
        var package = fixture.CopyPackage();
        PackageFiles.EditManifest(package, manifest => PackageFiles.Input(manifest, "Features")["shape"] = new JsonArray(-1, 5));

        AssertInvalid(package, "input 'Features' dimension 1 is 5 in the manifest but 4 in the model");
    }

    [Fact]
    public void Validation_rejects_a_fixed_dimension_where_the_model_has_a_variable_one()
    {
        var package = fixture.CopyPackage();
        PackageFiles.EditManifest(package, manifest => PackageFiles.Input(manifest, "Features")["shape"] = new JsonArray(1, 4));

        AssertInvalid(package, "input 'Features' dimension 0 is 1 in the manifest but -1 (variable) in the model");
    }

    [Fact]
    public void Validation_rejects_an_input_example_with_an_unknown_input()
    {
        var package = fixture.CopyPackage();
        PackageFiles.EditManifest(package, manifest =>
            manifest["input_example"]!["Age"] = new JsonArray(new JsonArray(42)));

        AssertInvalid(package, "input_example names input 'Age', which the signature does not have");
    }

    [Fact]
    public void Validation_rejects_an_input_example_missing_an_input()
    {
        var package = fixture.CopyPackage();
        PackageFiles.EditManifest(package, manifest => manifest["input_example"]!.AsObject().Remove("Label"));

        AssertInvalid(package, "input_example has no value for input 'Label'");
    }

    [Fact]
    public void Validation_rejects_an_input_example_element_of_the_wrong_kind()
    {
        var package = fixture.CopyPackage();
        PackageFiles.EditManifest(package, manifest =>
            manifest["input_example"]!["Features"] = new JsonArray(new JsonArray(1, 2, "three", 4)));

        AssertInvalid(package, "input_example for input 'Features' holds \"three\" where element_type float32 needs a number");
    }

    [Fact]
    public void Validation_rejects_an_input_example_with_the_wrong_fixed_dimension()
    {
        var package = fixture.CopyPackage();
        PackageFiles.EditManifest(package, manifest =>
            manifest["input_example"]!["Features"] = new JsonArray(new JsonArray(1, 2, 3)));

        AssertInvalid(package, "input_example for input 'Features' has 3 entries in dimension 1, the signature fixes 4");
    }

    [Fact]
    public void Validation_rejects_a_ragged_input_example()
    {
        var package = fixture.CopyPackage();
        PackageFiles.EditManifest(package, manifest =>
            manifest["input_example"]!["Features"] = new JsonArray(new JsonArray(1, 2, 3, 4), new JsonArray(1, 2, 3)));

        AssertInvalid(package, "input_example for input 'Features' is ragged");
    }

    [Fact]
    public void Validation_accepts_an_input_example_batch_of_two()
    {
        var package = fixture.CopyPackage();
        PackageFiles.EditManifest(package, manifest =>
        {
            manifest["input_example"]!["Features"] = new JsonArray(new JsonArray(1, 2, 3, 4), new JsonArray(-1, 0.5, 0, 2));
            manifest["input_example"]!["Label"] = new JsonArray(new JsonArray(true), new JsonArray(false));
        });

        var validation = ModelPackage.Validate(package);

        Assert.True(validation.IsValid, validation.Reason);
    }

    [Fact]
    public void Validation_keeps_the_manifest_when_only_the_model_is_wrong()
    {
        var package = fixture.CopyPackage();
        File.Delete(Path.Combine(package, "model.onnx"));

        var validation = ModelPackage.Validate(package);

        Assert.False(validation.IsValid);
        Assert.Equal("model.onnx", validation.Manifest?.ModelFile);
    }

    private static string AssertInvalid(string package, string expectedReason)
    {
        var validation = ModelPackage.Validate(package);

        Assert.False(validation.IsValid);
        Assert.NotNull(validation.Reason);
        Assert.Contains(expectedReason, validation.Reason, StringComparison.Ordinal);
        return validation.Reason;
    }
}
