using Microsoft.ML;
using MlOps.Orleans.Models;

namespace MlOps.Orleans.Tests.Models;

/// <summary>
/// Trains one real ML.NET binary classifier on generated data and packages it, once for the test class; tests that
/// break a package work on copies under <see cref="Root"/>.
/// </summary>
public sealed class TrainedPackageFixture : IDisposable
{
    public TrainedPackageFixture()
    {
        Root = Directory.CreateTempSubdirectory("mlops-models-").FullName;
        Ml = new MLContext(seed: 7);
        Rows = Generate(count: 400, seed: 11);
        Data = Ml.Data.LoadFromEnumerable(Rows);
        Model = Ml.BinaryClassification.Trainers
            .SdcaLogisticRegression(labelColumnName: "Label", featureColumnName: "Features")
            .Fit(Data);
        PackageDirectory = Path.Combine(Root, "package");
        Manifest = MlNetModelPackager.Package(Ml, Model, Data, PackageDirectory);
    }

    public string Root { get; }

    public MLContext Ml { get; }

    public IReadOnlyList<TrainingRow> Rows { get; }

    public IDataView Data { get; }

    public ITransformer Model { get; }

    public string PackageDirectory { get; }

    public ModelManifest Manifest { get; }

    /// <summary>A fresh copy of the valid package, for a test to break.</summary>
    public string CopyPackage()
    {
        var copy = Path.Combine(Root, Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(copy);
        foreach (var file in Directory.EnumerateFiles(PackageDirectory))
        {
            File.Copy(file, Path.Combine(copy, Path.GetFileName(file)));
        }

        return copy;
    }

    public void Dispose() => Directory.Delete(Root, recursive: true);

    private static TrainingRow[] Generate(int count, int seed)
    {
        var random = new Random(seed);
        float[] weights = [1.5f, -2f, 0.5f, 1f];
        return Enumerable.Range(0, count).Select(_ =>
        {
            var features = Enumerable.Range(0, 4).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
            var noise = (random.NextDouble() - 0.5) * 0.5;
            var score = features.Zip(weights, (x, w) => x * w).Sum() + noise;
            return new TrainingRow { Label = score > 0, Features = features };
        }).ToArray();
    }
}
