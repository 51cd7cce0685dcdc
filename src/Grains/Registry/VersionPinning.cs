using System.Security.Cryptography;
using System.Text;
using MlOps.Orleans.Artifacts;
using MlOps.Orleans.Catalog.Registry;
using MlOps.Orleans.Models;

namespace MlOps.Orleans.Grains.Registry;

/// <summary>
/// Pins a version's artifacts: copies them under the version's own key, hashes the copy (so the digest describes what
/// is actually stored) and validates a model package when the copy holds one.
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
        if (!files.Any(f => f.Path == ModelPackage.ManifestFileName))
            return new Result(files, digest, true, $"registered without validation: no {ModelPackage.ManifestFileName} (not servable by this platform)");
        var (valid, reason) = await ValidateAsync(store, destinationKey, files, ct).ConfigureAwait(false);
        return new Result(files, digest, valid, reason);
    }

    // ONNX Runtime needs files on disk, and the blob backend has none: validate a local copy, then delete it.
    private static async Task<(bool, string)> ValidateAsync(IArtifactStore store, string root, IReadOnlyList<VersionFile> files, CancellationToken ct)
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
            var validation = ModelPackage.Validate(folder);
            return validation.IsValid ? (true, "") : (false, validation.Reason ?? "invalid model package");
        }
        finally
        {
            try { Directory.Delete(folder, recursive: true); }
            catch (IOException) { /* a temp folder; the OS cleans it eventually */ }
        }
    }
}
