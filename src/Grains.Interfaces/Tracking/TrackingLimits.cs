namespace MlOps.Orleans.Contracts.Tracking;

/// <summary>MLflow's limits, enforced identically by every protocol surface.</summary>
public static class TrackingLimits
{
    public const int MaxKeyLength = 250;
    public const int MaxParamValueLength = 6000;
    public const int MaxRunTagValueLength = 8000;
    public const int MaxExperimentTagValueLength = 5000;
    public const int MaxExperimentNameLength = 500;
    public const int MaxRunNameLength = 250;
    public const int MaxUserIdLength = 256;
    public const int MaxArtifactLocationLength = 2048;
    public const int MaxBatchMetrics = 1000;
    public const int MaxBatchParams = 100;
    public const int MaxBatchTags = 100;
    public const int MaxBatchEntries = 1000;
    public const int MaxIngestPoints = 1000;
    public const int MaxDatasetInputs = 100;
    public const int MaxDatasetFieldLength = 65536;
    public const int MaxSearchRuns = 50000;
    /// <summary>MLflow 3.5's REST default for logged-model searches (the proto's); it sets no maximum, ours is the runs' one.</summary>
    public const int DefaultSearchLoggedModels = 50;
    public const int MaxSearchLoggedModels = 50000;
    public const int DefaultSearchRuns = 1000;
    public const int MaxSearchExperiments = 50000;
    public const int DefaultSearchExperiments = 1000;
    public const int MaxHistoryPage = 100000;
    public const int DefaultHistoryPage = 10000;
    public const int MaxHistoryPoints = 100000;

    /// <summary>Tag MLflow uses for the run name; kept in step with the run's name column.</summary>
    public const string RunNameTag = "mlflow.runName";

    /// <summary>Tag MLflow uses for the parent of a nested run.</summary>
    public const string ParentRunTag = "mlflow.parentRunId";
}
