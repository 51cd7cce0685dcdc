using Google.Protobuf;
using Microsoft.ML;
using MlOps.Orleans.Models;
using MlOps.Orleans.Protos.Artifacts.V1;

namespace MlOps.Orleans.Client;

/// <summary>
/// From <c>pipeline.Fit(...)</c> to a logged, registrable package:
/// <code>
/// var source = await artifacts.LogMlNetModelAsync(runId, ml, model, trainingData);
/// await registry.CreateModelVersionAsync(new() { Name = "churn", Source = source, RunId = runId });
/// </code>
/// </summary>
public static class ModelLogging
{
    private const int ChunkSize = 256 * 1024;

    /// <summary>Packages an ML.NET model as ONNX (manifest and signature included) and logs it under the run; returns its <c>runs:/</c> source.</summary>
    public static async Task<string> LogMlNetModelAsync(this ArtifactService.ArtifactServiceClient artifacts, string runId, MLContext ml,
        ITransformer model, IDataView sampleData, string artifactPath = "model", PackageOptions? options = null, CancellationToken ct = default)
    {
        var folder = Path.Combine(Path.GetTempPath(), "mlops-package-" + Guid.NewGuid().ToString("N"));
        try
        {
            MlNetModelPackager.Package(ml, model, sampleData, folder, options);
            return await artifacts.LogModelAsync(runId, artifactPath, folder, ct).ConfigureAwait(false);
        }
        finally
        {
            if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>Uploads every file of a package folder to <c>runs:/&lt;runId&gt;/&lt;artifactPath&gt;</c>, each checked against its SHA-256 by the server.</summary>
    public static async Task<string> LogModelAsync(this ArtifactService.ArtifactServiceClient artifacts, string runId, string artifactPath,
        string packageDirectory, CancellationToken ct = default)
    {
        foreach (var file in Directory.EnumerateFiles(packageDirectory, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            var relative = Path.GetRelativePath(packageDirectory, file).Replace(Path.DirectorySeparatorChar, '/');
            await UploadAsync(artifacts, new UploadHeader { RunId = runId, Path = $"{artifactPath.TrimEnd('/')}/{relative}" }, file, ct).ConfigureAwait(false);
        }
        return $"runs:/{runId}/{artifactPath.TrimEnd('/')}";
    }

    /// <summary>Streams one file in chunks; the server stores it only if size and digest arrive intact.</summary>
    public static async Task<ArtifactInfo> UploadAsync(this ArtifactService.ArtifactServiceClient artifacts, UploadHeader header, string file, CancellationToken ct = default)
    {
        await using var input = File.OpenRead(file);
        header.ExpectedSha256 = Convert.ToHexStringLower(await System.Security.Cryptography.SHA256.HashDataAsync(input, ct).ConfigureAwait(false));
        header.ExpectedSize = input.Length;
        input.Position = 0;
        using var call = artifacts.Upload(cancellationToken: ct);
        await call.RequestStream.WriteAsync(new UploadArtifactRequest { Header = header }, ct).ConfigureAwait(false);
        var buffer = new byte[ChunkSize];
        int read;
        while ((read = await input.ReadAsync(buffer, ct).ConfigureAwait(false)) > 0)
            await call.RequestStream.WriteAsync(new UploadArtifactRequest { Chunk = ByteString.CopyFrom(buffer, 0, read) }, ct).ConfigureAwait(false);
        await call.RequestStream.CompleteAsync().ConfigureAwait(false);
        return await call;
    }
}
