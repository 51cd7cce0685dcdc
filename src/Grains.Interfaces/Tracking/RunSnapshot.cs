namespace MlOps.Orleans.Contracts.Tracking;

/// <summary>A run with its params, tags, latest metrics, inputs and the logged models it produced or consumed.</summary>
[GenerateSerializer, Immutable]
[Alias("mlops.tracking.RunSnapshot")]
public sealed record RunSnapshot(
    [property: Id(0)] RunInfo Info,
    [property: Id(1)] IReadOnlyDictionary<string, string> Params,
    [property: Id(2)] IReadOnlyDictionary<string, string> Tags,
    [property: Id(3)] IReadOnlyList<MetricPoint> LatestMetrics,
    [property: Id(4)] IReadOnlyList<DatasetInput> Inputs,
    [property: Id(5)] long LastSequence)
{
    /// <summary>MLflow 3's <c>run.outputs.model_outputs</c> and <c>run.inputs.model_inputs</c>, by model id.</summary>
    [Id(6)] public IReadOnlyList<RunModelLink> Models { get; init; } = [];
}
