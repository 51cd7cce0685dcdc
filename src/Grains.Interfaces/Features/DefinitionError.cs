namespace MlOps.Orleans.Contracts.Features;

/// <summary>Why a definition was refused: the file, the object and the reason.</summary>
[GenerateSerializer, Immutable]
[Alias("mlops.features.DefinitionError")]
public sealed record DefinitionError(
    [property: Id(0)] string File,
    [property: Id(1)] DefinitionKind Kind,
    [property: Id(2)] string Object,
    [property: Id(3)] string Reason)
{
    public override string ToString() =>
        $"{(File.Length == 0 ? "" : File + ": ")}{DefinitionKinds.YamlName(Kind)} '{Object}': {Reason}";
}

public static class DefinitionKinds
{
    public static string YamlName(DefinitionKind kind) => kind switch
    {
        DefinitionKind.Entity => "entity",
        DefinitionKind.DataSource => "source",
        DefinitionKind.FeatureView => "feature_view",
        DefinitionKind.OnDemandFeatureView => "on_demand_feature_view",
        DefinitionKind.FeatureService => "feature_service",
        _ => "object",
    };
}
