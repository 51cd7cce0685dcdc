using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using MlOps.Orleans.Contracts.Common;
using MlOps.Orleans.Models;
using MlOps.Orleans.Tests.Infrastructure;
using ErrorCode = MlOps.Orleans.Contracts.Common.ErrorCode;

namespace MlOps.Orleans.Tests.Models;

[Trait("Category", Category.Unit)]
public sealed class ModelManifestTests
{
    private const string ValidManifest = """
        {
          "format_version": 1,
          "flavor": "onnx",
          "model_file": "model/model.onnx",
          "signature": {
            "inputs": [ { "name": "x", "element_type": "float32", "shape": [-1, 3] } ],
            "outputs": [ { "name": "y", "element_type": "int64", "shape": [-1] } ]
          },
          "input_example": { "x": [[1, 2, 3]] },
          "feature_service": "churn_features",
          "metadata": {
            "training_framework": "scikit-learn",
            "framework_version": "1.5.2",
            "created_at": "2025-03-01T10:00:00Z",
            "git_commit": "abc123"
          },
          "some_future_field": { "anything": true }
        }
        """;

    [Fact]
    public void Manifest_reads_every_field()
    {
        var manifest = Read(ValidManifest);

        Assert.Equal(1, manifest.FormatVersion);
        Assert.Equal("onnx", manifest.Flavor);
        Assert.Equal("model/model.onnx", manifest.ModelFile);
        var input = Assert.Single(manifest.Signature.Inputs);
        Assert.Equal(("x", ElementType.Float32), (input.Name, input.ElementType));
        Assert.Equal([-1L, 3L], input.Shape);
        Assert.Equal([-1L], Assert.Single(manifest.Signature.Outputs).Shape);
        Assert.Equal(3, manifest.InputExample!["x"][0].GetArrayLength());
        Assert.Equal("churn_features", manifest.FeatureService);
        Assert.Equal("scikit-learn", manifest.Metadata.TrainingFramework);
        Assert.Equal("1.5.2", manifest.Metadata.FrameworkVersion);
        Assert.Equal(new DateTimeOffset(2025, 3, 1, 10, 0, 0, TimeSpan.Zero), manifest.Metadata.CreatedAt);
        Assert.Equal("abc123", manifest.Metadata.Properties!["git_commit"]);
    }

    [Fact]
    public void Manifest_survives_a_write_and_read()
    {
        var manifest = Read(ValidManifest);
        using var buffer = new MemoryStream();

        ModelPackage.WriteManifest(manifest, buffer);
        buffer.Position = 0;
        var again = ModelPackage.ReadManifest(buffer);

        Assert.Equal(manifest.Signature.Inputs, again.Signature.Inputs, TensorSpecEquality.Instance);
        Assert.Equal(manifest.Signature.Outputs, again.Signature.Outputs, TensorSpecEquality.Instance);
        Assert.Equal(manifest.Metadata.CreatedAt, again.Metadata.CreatedAt);
        Assert.Equal(manifest.Metadata.Properties, again.Metadata.Properties);
        Assert.True(JsonElement.DeepEquals(manifest.InputExample!["x"], again.InputExample!["x"]));
        Assert.Equal(manifest with { Signature = again.Signature, Metadata = again.Metadata, InputExample = again.InputExample }, again);
        var json = Encoding.UTF8.GetString(buffer.ToArray());
        Assert.Contains("\"element_type\": \"float32\"", json, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("format_version", null, "format_version is missing")]
    [InlineData("format_version", "2", "format_version 2 is not supported")]
    [InlineData("format_version", "\"1\"", "format_version \"1\" is not supported")]
    [InlineData("flavor", null, "flavor")]
    [InlineData("flavor", "null", "$.flavor")]
    [InlineData("model_file", null, "model_file")]
    [InlineData("signature", null, "signature")]
    [InlineData("metadata", null, "metadata")]
    [InlineData("model_file", "42", "$.model_file")]
    [InlineData("feature_service", "[\"a\"]", "$.feature_service")]
    [InlineData("signature", "{ \"inputs\": [], \"outputs\": [] }", "signature.inputs must name at least one input")]
    [InlineData("signature", "{ \"inputs\": [null], \"outputs\": [] }", "signature.inputs must not contain null")]
    [InlineData("metadata", "{ \"training_framework\": \"x\", \"created_at\": \"2025-03-01T10:00:00\" }", "with an offset")]
    [InlineData("metadata", "{ \"training_framework\": \"x\", \"created_at\": \"yesterday\" }", "created_at")]
    [InlineData("metadata", "{ \"created_at\": \"2025-03-01T10:00:00Z\" }", "training_framework is required")]
    [InlineData("metadata", "{ \"training_framework\": \"x\", \"created_at\": \"2025-03-01T10:00:00Z\", \"epochs\": 3 }", "metadata.epochs must be a string")]
    [InlineData("input_example", "[[1, 2, 3]]", "$.input_example")]
    public void Manifest_rejects_a_missing_field_or_a_wrong_type(string field, string? json, string expected)
    {
        var manifest = JsonNode.Parse(ValidManifest)!.AsObject();
        manifest.Remove(field);
        if (json is not null)
        {
            manifest[field] = JsonNode.Parse(json);
        }

        var error = Assert.Throws<MlopsException>(() => Read(manifest.ToJsonString()));

        Assert.Equal(ErrorCode.InvalidArgument, error.Code);
        Assert.Equal("manifest", error.Field);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("\"shape\": [-1, 3]", "\"shape\": [-1, \"3\"]", "$.signature.inputs[0].shape")]
    [InlineData("\"shape\": [-1, 3]", "\"shape\": [-1, 3.5]", "$.signature.inputs[0].shape")]
    [InlineData("\"shape\": [-1, 3]", "\"shape\": [-2, 3]", "sizes >= 0 or -1")]
    [InlineData("\"shape\": [-1, 3]", "\"shape\": null", "shape")]
    [InlineData("\"element_type\": \"float32\"", "\"element_type\": \"float128\"", "$.signature.inputs[0].element_type")]
    [InlineData("\"element_type\": \"float32\"", "\"element_type\": 1", "$.signature.inputs[0].element_type")]
    [InlineData("\"name\": \"y\"", "\"name\": \"x\", \"name\": \"y\"", "Duplicate")]
    [InlineData("\"flavor\": \"onnx\",", "\"flavor\": \"onnx\",,", "not valid JSON")]
    public void Manifest_rejects_a_malformed_signature_or_document(string original, string replacement, string expected)
    {
        var error = Assert.Throws<MlopsException>(() => Read(ValidManifest.Replace(original, replacement, StringComparison.Ordinal)));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Manifest_that_is_not_an_object_is_rejected()
    {
        var error = Assert.Throws<MlopsException>(() => Read("[1, 2]"));

        Assert.Contains("must be a JSON object", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Writing_refuses_a_metadata_property_that_shadows_a_named_field()
    {
        var manifest = Read(ValidManifest);
        var shadowing = manifest with
        {
            Metadata = manifest.Metadata with { Properties = new Dictionary<string, string> { ["created_at"] = "never" } },
        };

        var error = Assert.Throws<MlopsException>(() => ModelPackage.WriteManifest(shadowing, Stream.Null));

        Assert.Contains("reserved", error.Message, StringComparison.Ordinal);
    }

    private static ModelManifest Read(string json) => ModelPackage.ReadManifest(new MemoryStream(Encoding.UTF8.GetBytes(json)));
}
