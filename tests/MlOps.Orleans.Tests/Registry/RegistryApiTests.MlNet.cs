using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using MlOps.Orleans.Client;
using MlOps.Orleans.Protos.Artifacts.V1;
using Reg = MlOps.Orleans.Protos.Registry.V1;
using Wire = MlOps.Orleans.Protos.Tracking.V1;

namespace MlOps.Orleans.Tests.Registry;

public abstract partial class RegistryApiTests
{
    [Fact]
    public async Task MlNet_model_is_trained_logged_registered_downloaded_and_scores_like_MlNet()
    {
        var e = await Tracking.CreateExperimentAsync(new Wire.CreateExperimentRequest { Name = Unique("mlnet") });
        var run = await Tracking.CreateRunAsync(new Wire.CreateRunRequest { ExperimentId = e.ExperimentId });
        var artifacts = new ArtifactService.ArtifactServiceClient(platform.Channel);

        var source = await artifacts.LogMlNetModelAsync(run.Info.RunId, package.Ml, package.Model, package.Data);
        var model = await NewModel();
        var version = await Registry.CreateModelVersionAsync(new Reg.CreateModelVersionRequest { Name = model, Source = source, RunId = run.Info.RunId });
        Assert.Equal(Reg.ModelVersionStatus.Ready, version.Status);

        // Load the registered copy, fetched over gRPC, and score with ONNX Runtime.
        var download = Path.Combine(Path.GetTempPath(), $"mlops-dl-{Guid.NewGuid():N}.onnx");
        try
        {
            await using (var output = File.Create(download))
            {
                var listed = await artifacts.ListAsync(new ListArtifactsRequest { RunId = run.Info.RunId, Path = "model" });
                Assert.Contains(listed.Files, f => f.Path.EndsWith("model.onnx", StringComparison.Ordinal) && f.Sha256.Length == 64);
                using var call = artifacts.Download(new DownloadArtifactRequest { RunId = run.Info.RunId, Path = "model/model.onnx" });
                while (await call.ResponseStream.MoveNext(CancellationToken.None)) call.ResponseStream.Current.Data.WriteTo(output);
            }
            using var session = new InferenceSession(download);
            var prediction = package.Ml.Model.CreatePredictionEngine<Models.TrainingRow, Prediction>(package.Model);
            foreach (var row in package.Rows.Take(5))
            {
                var inputs = new List<NamedOnnxValue>
                {
                    NamedOnnxValue.CreateFromTensor("Features", new DenseTensor<float>(row.Features, [1, row.Features.Length])),
                    NamedOnnxValue.CreateFromTensor("Label", new DenseTensor<bool>(new[] { row.Label }, [1, 1])),
                };
                using var results = session.Run(inputs);
                var probability = results.First(r => r.Name == "Probability.output").AsEnumerable<float>().First();
                Assert.Equal(prediction.Predict(row).Probability, probability, 1e-5f);
            }
        }
        finally
        {
            File.Delete(download);
        }
    }

    /// <summary>ML.NET's binary classification output row.</summary>
    public sealed class Prediction
    {
        public bool PredictedLabel { get; set; }

        public float Probability { get; set; }

        public float Score { get; set; }
    }
}
