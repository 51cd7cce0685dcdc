using MlOps.Orleans.Contracts.Tracking;

namespace MlOps.Orleans.Contracts.Registry;

/// <summary>
/// Where a model version came from: the version, the run that produced it (with its dataset inputs and code version
/// in its tags) and that run's experiment. Run and experiment are null for versions registered from an upload.
/// </summary>
[GenerateSerializer, Immutable]
[Alias("mlops.registry.LineageGraph")]
public sealed record LineageGraph(
    [property: Id(0)] ModelVersionInfo Version,
    [property: Id(1)] RunSnapshot? Run,
    [property: Id(2)] ExperimentInfo? Experiment,
    [property: Id(3)] ModelVersionInfo? SourceVersion)
{
    /// <summary>The MLflow 3 logged model the version was registered from (<c>models:/&lt;model_id&gt;</c>), if any.</summary>
    [Id(4)] public LoggedModelInfo? LoggedModel { get; init; }

    /// <summary>The version's run_id names no run (MLflow REST keeps it as given): shown, but not resolvable.</summary>
    [Id(5)] public bool RunUnresolved { get; init; }
}
