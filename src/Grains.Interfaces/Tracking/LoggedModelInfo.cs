namespace MlOps.Orleans.Contracts.Tracking;

/// <summary>A logged model's status, numbered like MLflow 3's LoggedModelStatus.</summary>
[Alias("mlops.tracking.LoggedModelStatus")]
public enum LoggedModelStatus
{
    Pending = 1,
    Ready = 2,
    Failed = 3,
}

/// <summary>
/// A model logged by a run or on its own (MLflow 3's LoggedModel): its files live under <see cref="ArtifactRoot"/>
/// (<c>&lt;experiment&gt;/models/&lt;model_id&gt;/artifacts</c> in the artifact store), its params and tags here.
/// </summary>
[GenerateSerializer, Immutable]
[Alias("mlops.tracking.LoggedModelInfo")]
public sealed record LoggedModelInfo(
    [property: Id(0)] string ModelId,
    [property: Id(1)] string ExperimentId,
    [property: Id(2)] string Name,
    [property: Id(3)] string? SourceRunId,
    [property: Id(4)] string? ModelType,
    [property: Id(5)] LoggedModelStatus Status,
    [property: Id(6)] string? StatusMessage,
    [property: Id(7)] long CreationTime,
    [property: Id(8)] long LastUpdatedTime,
    [property: Id(9)] string ArtifactRoot,
    [property: Id(10)] LifecycleStage LifecycleStage,
    [property: Id(11)] IReadOnlyDictionary<string, string> Params,
    [property: Id(12)] IReadOnlyDictionary<string, string> Tags)
{
    /// <summary>Every metric point logged with this model's id, by any run, ordered by key, step and timestamp.</summary>
    [Id(13)] public IReadOnlyList<ModelMetric> Metrics { get; init; } = [];

    /// <summary>The root as MLflow clients address it through the artifact proxy.</summary>
    public string ArtifactUri => "mlflow-artifacts:/" + ArtifactRoot;

    /// <summary>The store key of a logged model's files.</summary>
    public static string RootOf(string experimentId, string modelId) => $"{experimentId}/models/{modelId}/artifacts";
}

/// <summary>A metric point logged with a model id: the run that logged it and the dataset it was measured on ("" for none).</summary>
[GenerateSerializer, Immutable]
[Alias("mlops.tracking.ModelMetric")]
public sealed record ModelMetric(
    [property: Id(0)] string RunId,
    [property: Id(1)] string Key,
    [property: Id(2)] double Value,
    [property: Id(3)] long Timestamp,
    [property: Id(4)] long Step,
    [property: Id(5)] string DatasetName,
    [property: Id(6)] string DatasetDigest);

/// <summary>Creates a logged model under a new id chosen by the caller.</summary>
[GenerateSerializer, Immutable]
[Alias("mlops.tracking.CreateLoggedModel")]
public sealed record CreateLoggedModel(
    [property: Id(0)] string ExperimentId,
    [property: Id(1)] string? Name,
    [property: Id(2)] string? SourceRunId,
    [property: Id(3)] string? ModelType,
    [property: Id(4)] IReadOnlyDictionary<string, string> Params,
    [property: Id(5)] IReadOnlyDictionary<string, string> Tags)
{
    /// <summary>
    /// For a model MLflow 2 logged inside its run (<c>runs/log-model</c>): its folder under the source run's artifacts.
    /// The model's root is then that folder instead of its own <c>models/&lt;id&gt;</c> root.
    /// </summary>
    [Id(6)] public string? RunArtifactPath { get; init; }
}

/// <summary>One order of a logged-model search: an attribute (<c>creation_timestamp</c>, <c>name</c>, ...).</summary>
[GenerateSerializer, Immutable]
[Alias("mlops.tracking.LoggedModelOrder")]
public sealed record LoggedModelOrder(
    [property: Id(0)] string FieldName,
    [property: Id(1)] bool Ascending,
    [property: Id(2)] string? DatasetName,
    [property: Id(3)] string? DatasetDigest);

/// <summary>A dataset a logged-model search is restricted to (by the metrics logged on it).</summary>
[GenerateSerializer, Immutable]
[Alias("mlops.tracking.LoggedModelDataset")]
public sealed record LoggedModelDataset(
    [property: Id(0)] string DatasetName,
    [property: Id(1)] string? DatasetDigest);

[GenerateSerializer, Immutable]
[Alias("mlops.tracking.SearchLoggedModelsQuery")]
public sealed record SearchLoggedModelsQuery(
    [property: Id(0)] IReadOnlyList<string> ExperimentIds,
    [property: Id(1)] string? Filter,
    [property: Id(2)] IReadOnlyList<LoggedModelDataset> Datasets,
    [property: Id(3)] int MaxResults,
    [property: Id(4)] IReadOnlyList<LoggedModelOrder> OrderBy,
    [property: Id(5)] string? PageToken);

[GenerateSerializer, Immutable]
[Alias("mlops.tracking.LoggedModelsPage")]
public sealed record LoggedModelsPage(
    [property: Id(0)] IReadOnlyList<LoggedModelInfo> Models,
    [property: Id(1)] string? NextPageToken);

/// <summary>A model a run produced (<c>runs/outputs</c>, with the step) or consumed (<c>runs/log-inputs</c>, step null).</summary>
[GenerateSerializer, Immutable]
[Alias("mlops.tracking.RunModelLink")]
public sealed record RunModelLink(
    [property: Id(0)] string ModelId,
    [property: Id(1)] bool IsOutput,
    [property: Id(2)] long? Step);
