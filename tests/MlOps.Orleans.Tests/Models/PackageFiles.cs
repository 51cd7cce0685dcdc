using System.Text.Json.Nodes;
using MlOps.Orleans.Models;

namespace MlOps.Orleans.Tests.Models;

/// <summary>Edits a package's manifest as raw JSON, so tests can write what the typed API would refuse.</summary>
internal static class PackageFiles
{
    public static void EditManifest(string packageDirectory, Action<JsonObject> edit)
    {
        var path = Path.Combine(packageDirectory, ModelPackage.ManifestFileName);
        var manifest = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        edit(manifest);
        File.WriteAllText(path, manifest.ToJsonString());
    }

    public static JsonObject Input(JsonObject manifest, string name) =>
        manifest["signature"]!["inputs"]!.AsArray().Single(input => (string?)input!["name"] == name)!.AsObject();
}
