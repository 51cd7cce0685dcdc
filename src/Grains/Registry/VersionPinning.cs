using System.Security.Cryptography;
using System.Text;
using MlOps.Orleans.Artifacts;
using MlOps.Orleans.Catalog.Registry;
using MlOps.Orleans.Models;
using MlOps.Orleans.Models.Mlflow;

namespace MlOps.Orleans.Grains.Registry;

/// <summary>
/// Pins a version's artifacts: copies them under the version's own key, hashes the copy (so the digest describes what
/// is actually stored) and validates a model package when the copy holds one (<c>mlops-model.json</c> or MLflow's
/// <c>MLmodel</c>). The status message says what a READY version is: empty when it is validated and servable, else
/// "registered without validation: " and why not.
/// </summary>
internal static class VersionPinning
{
    public sealed record Result(IReadOnlyList<VersionFile> Files, string Digest, bool IsValid, string Message);

    public static async Task<Result> PinAsync(IArtifactStore store, string sourceKey, string destinationKey, CancellationToken ct)
    {
        await store.CopyAsync(sourceKey, destinationKey, ct).ConfigureAwait(false);
        var entries = await store.ListAsync(destinationKey, recursive: true, ct).ConfigureAwait(false);
        var files = new List<VersionFile>();
        foreach (var e in entries.Where(e => !e.IsDirectory).OrderBy(e => e.Key, StringComparer.Ordinal))
        {
            await using var content = await store.OpenReadAsync(e.Key, ct: ct).ConfigureAwait(false);
            var hash = Convert.ToHexStringLower(await SHA256.HashDataAsync(content.Stream, ct).ConfigureAwait(false));
            files.Add(new VersionFile(e.Key[(destinationKey.Length + 1)..], content.FileSize, hash));
        }
        // One digest for the whole version: over each file's relative path and content digest, in path order.
        var manifest = string.Concat(files.Select(f => $"{f.Path}\t{f.Sha256}\n"));
        var digest = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(manifest)));
        var paths = files.Select(f => f.Path).ToHashSet(StringComparer.Ordinal);
        if (!paths.Contains(ModelPackage.ManifestFileName))
        {
            if (!paths.Contains(MlmodelFile.FileName))
                return new Result(files, digest, true, $"registered without validation: no {ModelPackage.ManifestFileName} or {MlmodelFile.FileName} (not servable by this platform)");
            // Python-only flavors are decided by the MLmodel alone: no need to fetch gigabytes of pickles to say so.
            var mlmodel = await ReadMlmodelAsync(store, $"{destinationKey}/{MlmodelFile.FileName}", ct).ConfigureAwait(false);
            if (MlflowPackage.Triage(mlmodel) is { } decided)
                return Outcome(files, digest, decided);
        }
        return Outcome(files, digest, await ValidateAsync(store, destinationKey, files, ct).ConfigureAwait(false));
    }

    private static Result Outcome(IReadOnlyList<VersionFile> files, string digest, PackageValidation validation) =>
        validation.IsServable ? new Result(files, digest, true, "")
        : validation.IsValid ? new Result(files, digest, true, $"registered without validation: {validation.Reason}")
        : new Result(files, digest, false, validation.Reason ?? "invalid model package");

    // One byte past the limit is enough for the parser to refuse a file that is too large.
    private static async Task<byte[]> ReadMlmodelAsync(IArtifactStore store, string key, CancellationToken ct)
    {
        await using var content = await store.OpenReadAsync(key, length: MlmodelFile.MaxBytes + 1, ct: ct).ConfigureAwait(false);
        using var bytes = new MemoryStream();
        await content.Stream.CopyToAsync(bytes, ct).ConfigureAwait(false);
        return bytes.ToArray();
    }

    // ONNX Runtime needs files on disk, and the blob backend has none: validate a local copy, then delete it.
    private static async Task<PackageValidation> ValidateAsync(IArtifactStore store, string root, IReadOnlyList<VersionFile> files, CancellationToken ct)
    {
        var folder = Path.Combine(Path.GetTempPath(), "mlops-validate", Guid.NewGuid().ToString("N"));
        try
        {
            foreach (var f in files)
            {
                var target = Path.Combine(folder, f.Path.Replace('/', Path.DirectorySeparatorChar));
                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                await using var content = await store.OpenReadAsync($"{root}/{f.Path}", ct: ct).ConfigureAwait(false);
                await using var output = File.Create(target);
                await content.Stream.CopyToAsync(output, ct).ConfigureAwait(false);
            }
            return ModelPackage.Validate(folder);
        }
        finally
        {
            try { Directory.Delete(folder, recursive: true); }
            catch (IOException) { /* a temp folder; the OS cleans it eventually */ }
        }
    }
}
