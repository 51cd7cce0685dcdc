namespace MlOps.Orleans.Contracts.Features;

[Alias("mlops.features.DefinitionKind")]
public enum DefinitionKind
{
    Entity = 1,
    DataSource = 2,
    FeatureView = 3,
    OnDemandFeatureView = 4,
    FeatureService = 5,
}

/// <summary>What an apply does to one object.</summary>
[Alias("mlops.features.PlanAction")]
public enum PlanAction
{
    Unchanged = 0,
    Create = 1,
    /// <summary>Metadata changed (description, tags, owner, online flag): same version.</summary>
    Update = 2,
    /// <summary>Schema, entities, source, transformation or ttl changed: a new version; older ones stay readable.</summary>
    NewVersion = 3,
    Remove = 4,
}
