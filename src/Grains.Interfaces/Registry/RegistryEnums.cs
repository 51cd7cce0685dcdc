namespace MlOps.Orleans.Contracts.Registry;

/// <summary>Registration outcome of a model version.</summary>
[Alias("mlops.registry.ModelVersionStatus")]
public enum ModelVersionStatus
{
    PendingRegistration = 1,
    FailedRegistration = 2,
    Ready = 3,
}

/// <summary>MLflow's legacy stages; aliases are the modern way to point at a version.</summary>
[Alias("mlops.registry.ModelStage")]
public enum ModelStage
{
    None = 0,
    Staging = 1,
    Production = 2,
    Archived = 3,
}

/// <summary>What a promotion did.</summary>
[Alias("mlops.registry.PromotionDecision")]
public enum PromotionDecision
{
    Promoted = 1,
    Rejected = 2,
    Forced = 3,
}
