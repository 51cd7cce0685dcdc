namespace MlOps.Orleans.Contracts.Tracking;

/// <summary>Soft-delete state shared by experiments and runs.</summary>
[Alias("mlops.tracking.LifecycleStage")]
public enum LifecycleStage
{
    Active = 1,
    Deleted = 2,
}

/// <summary>Run status, numbered like the protobuf enum.</summary>
[Alias("mlops.tracking.RunStatus")]
public enum RunStatus
{
    Running = 1,
    Scheduled = 2,
    Finished = 3,
    Failed = 4,
    Killed = 5,
}

/// <summary>Which lifecycle stages a search returns.</summary>
[Alias("mlops.tracking.ViewType")]
public enum ViewType
{
    ActiveOnly = 0,
    DeletedOnly = 1,
    All = 2,
}
