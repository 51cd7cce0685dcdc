using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.OnnxRuntime;
using MlOps.Orleans.Contracts.Common;
using MlOps.Orleans.Models;
using MlOps.Orleans.Tests.Infrastructure;
using ErrorCode = MlOps.Orleans.Contracts.Common.ErrorCode;

namespace MlOps.Orleans.Tests.Models;

[Trait("Category", Category.Unit)]
public sealed class MlNetModelPackagerTests(TrainedPackageFixture fixture) : IClassFixture<TrainedPackageFixture>
{
    [Fact]
    public void Packaged_model_validates()
    {
        var validation = ModelPackage.Validate(fixture.PackageDirectory);

        Assert.True(validation.IsValid, validation.Reason);
        Assert.Null(validation.Reason);
        Assert.Equal(fixture.Manifest.Signature.Inputs, validation.Manifest!.Signature.Inputs, TensorSpecEquality.Instance);
    }

    [Fact]
    public void Package_writes_the_signature_of_the_exported_graph()
    {
        var signature = fixture.Manifest.Signature;

        var features = Assert.Single(signature.Inputs, input => input.Name == "Features");
        Assert.Equal(ElementType.Float32, features.ElementType);
        Assert.Equal([-1L, 4L], features.Shape);
        Assert.Contains(signature.Inputs, input => input.Name == "Label");
        Assert.Contains(signature.Outputs, output => output.Name == "Score.output" && output.ElementType == ElementType.Float32);
        Assert.Contains(signature.Outputs, output => output.Name == "Probability.output" && output.ElementType == ElementType.Float32);
        Assert.Contains(signature.Outputs, output => output.Name == "PredictedLabel.output");
    }

    [Fact]
    public void Package_records_the_first_sample_row_as_input_example()
    {
        var example = fixture.Manifest.InputExample!;

        var features = example["Features"].EnumerateArray().Single().EnumerateArray().Select(value => value.GetSingle());
        Assert.Equal(fixture.Rows[0].Features, features);
        Assert.Equal(fixture.Rows[0].Label, example["Label"].EnumerateArray().Single().EnumerateArray().Single().GetBoolean());
    }

    [Fact]
    public void Package_records_MlNet_metadata_and_the_options()
    {
        var directory = Path.Combine(fixture.Root, Guid.NewGuid().ToString("N"));
        var options = new PackageOptions
        {
            IncludeInputExample = false,
            FeatureService = "churn_features",
            Properties = new Dictionary<string, string> { ["team"] = "risk" },
        };

        var manifest = MlNetModelPackager.Package(fixture.Ml, fixture.Model, fixture.Data, directory, options);

        Assert.Equal("ML.NET", manifest.Metadata.TrainingFramework);
        Assert.StartsWith("5.", manifest.Metadata.FrameworkVersion, StringComparison.Ordinal);
        Assert.Equal(TimeSpan.Zero, manifest.Metadata.CreatedAt.Offset);
        Assert.InRange(DateTimeOffset.UtcNow - manifest.Metadata.CreatedAt, TimeSpan.Zero, TimeSpan.FromMinutes(5));
        Assert.Equal("risk", manifest.Metadata.Properties!["team"]);
        Assert.Null(manifest.InputExample);
        var written = ModelPackage.Validate(directory).Manifest!;
        Assert.Equal("churn_features", written.FeatureService);
        Assert.Equal("risk", written.Metadata.Properties!["team"]);
        Assert.Equal(manifest.Metadata.CreatedAt, written.Metadata.CreatedAt);
    }

    [Fact]
    public void Package_refuses_a_folder_that_is_not_empty()
    {
        var directory = fixture.CopyPackage();

        var error = Assert.Throws<MlopsException>(() => MlNetModelPackager.Package(fixture.Ml, fixture.Model, fixture.Data, directory));

        Assert.Equal(ErrorCode.InvalidArgument, error.Code);
        Assert.Contains("not empty", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Onnx_predictions_match_MlNet_within_1e_5()
    {
        var rows = fixture.Rows.Take(25).ToArray();
        var transformed = fixture.Model.Transform(fixture.Ml.Data.LoadFromEnumerable(rows));
        var expectedScores = transformed.GetColumn<float>("Score").ToArray();
        var expectedProbabilities = transformed.GetColumn<float>("Probability").ToArray();
        var expectedLabels = transformed.GetColumn<bool>("PredictedLabel").ToArray();

        using var session = new InferenceSession(Path.Combine(fixture.PackageDirectory, fixture.Manifest.ModelFile));
        using var features = OrtValue.CreateTensorValueFromMemory(rows.SelectMany(row => row.Features).ToArray(), [rows.Length, 4]);
        using var labels = OrtValue.CreateTensorValueFromMemory(rows.Select(row => row.Label).ToArray(), [rows.Length, 1]);
        using var runOptions = new RunOptions();
        using var outputs = session.Run(
            runOptions,
            new Dictionary<string, OrtValue> { ["Features"] = features, ["Label"] = labels },
            ["Score.output", "Probability.output", "PredictedLabel.output"]);

        var scores = outputs[0].GetTensorDataAsSpan<float>().ToArray();
        var probabilities = outputs[1].GetTensorDataAsSpan<float>().ToArray();
        var predicted = outputs[2].GetTensorDataAsSpan<bool>().ToArray();
        for (var row = 0; row < rows.Length; row++)
        {
            Assert.Equal(expectedScores[row], scores[row], 1e-5f);
            Assert.Equal(expectedProbabilities[row], probabilities[row], 1e-5f);
            Assert.Equal(expectedLabels[row], predicted[row]);
        }

        Assert.Contains(true, predicted);
        Assert.Contains(false, predicted);
    }
}
