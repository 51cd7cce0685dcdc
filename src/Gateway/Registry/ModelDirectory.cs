using MlOps.Orleans.Gateway.Common;
using MlOps.Orleans.Contracts.Common;
using MlOps.Orleans.Contracts.Registry;

namespace MlOps.Orleans.Gateway.Registry;

/// <summary>Model names to grains: the catalog's unique name index resolves a name to the model's immutable id.</summary>
internal sealed class ModelDirectory(IGrainFactory grains)
{
    public IRegistryQueryGrain Query => grains.GetGrain<IRegistryQueryGrain>(0);

    public async Task<IRegisteredModelGrain> ByName(string? name, string field = "name")
    {
        RegistryValidation.ModelName(name, field);
        var id = await Query.FindModelId(name!) ?? throw MlopsException.NotFound($"Registered Model with name={name} not found"); // MLflow's wording
        return grains.GetGrain<IRegisteredModelGrain>(id);
    }

    /// <summary>A new model under a fresh id; the catalog refuses a taken name.</summary>
    public Task<RegisteredModelInfo> Create(CreateRegisteredModel command) =>
        grains.GetGrain<IRegisteredModelGrain>(Ids.NewModelId()).Create(command);

    /// <summary>A version named by (name, version) or by a models:/ URI, alias or number.</summary>
    public async Task<ModelVersionInfo> Version(string? name, long version, string? modelUri)
    {
        if (!string.IsNullOrEmpty(modelUri))
        {
            var uri = ModelUri.Parse(modelUri, "model_uri");
            var grain = await ByName(uri.Name, "model_uri");
            return uri.Alias is { } alias ? await grain.ResolveAlias(alias) : await grain.GetVersion(uri.Version!.Value);
        }
        RegistryValidation.Version(version);
        return await (await ByName(name)).GetVersion(version);
    }
}
