namespace MlOps.Orleans.Contracts.Registry;

/// <summary>Creates a registered model under a new id chosen by the caller.</summary>
[GenerateSerializer, Immutable]
[Alias("mlops.registry.CreateRegisteredModel")]
public sealed record CreateRegisteredModel(
    [property: Id(0)] string Name,
    [property: Id(1)] string? Description,
    [property: Id(2)] IReadOnlyDictionary<string, string> Tags,
    [property: Id(3)] string? UserId);

/// <summary>
/// Registers a new version from <c>runs:/&lt;run&gt;/&lt;path&gt;</c>, <c>models:/&lt;name&gt;/&lt;version&gt;</c>,
/// <c>models:/&lt;name&gt;@&lt;alias&gt;</c> or <c>staging:/&lt;id&gt;</c> (an uploaded package); nothing else.
/// </summary>
[GenerateSerializer, Immutable]
[Alias("mlops.registry.CreateModelVersion")]
public sealed record CreateModelVersion(
    [property: Id(0)] string Source,
    [property: Id(1)] string? RunId,
    [property: Id(2)] string? Description,
    [property: Id(3)] IReadOnlyDictionary<string, string> Tags,
    [property: Id(4)] string? RunLink,
    [property: Id(5)] string? UserId)
{
    /// <summary>MLflow 3's model_id: the logged model the version is made from.</summary>
    [Id(6)] public string? ModelId { get; init; }

    /// <summary>
    /// MLflow REST's semantics: a source outside the artifact store is recorded as given (never copied, never resolved)
    /// and run_id is kept as sent even when it names no run or another run than the source's. The native API refuses both.
    /// </summary>
    [Id(7)] public bool RecordAsGiven { get; init; }
}

/// <summary>Moves an alias to a candidate only if the candidate's metric beats the current holder's (or when forced).</summary>
[GenerateSerializer, Immutable]
[Alias("mlops.registry.PromotionRequest")]
public sealed record PromotionRequest(
    [property: Id(0)] long CandidateVersion,
    [property: Id(1)] string Alias,
    [property: Id(2)] string Metric,
    [property: Id(3)] bool HigherIsBetter,
    [property: Id(4)] double MinimumGain,
    [property: Id(5)] string? EvaluationRunId,
    [property: Id(6)] bool Force,
    [property: Id(7)] string? Reason,
    [property: Id(8)] string? UserId);

/// <summary>One entry of a model's promotion history.</summary>
[GenerateSerializer, Immutable]
[Alias("mlops.registry.PromotionRecord")]
public sealed record PromotionRecord(
    [property: Id(0)] long Sequence,
    [property: Id(1)] string Alias,
    [property: Id(2)] long? FromVersion,
    [property: Id(3)] long ToVersion,
    [property: Id(4)] string Metric,
    [property: Id(5)] double? CandidateValue,
    [property: Id(6)] double? HolderValue,
    [property: Id(7)] PromotionDecision Decision,
    [property: Id(8)] string Reason,
    [property: Id(9)] string UserId,
    [property: Id(10)] long Timestamp);

/// <summary>A version, alias or stage change; published on <c>models/&lt;modelId&gt;</c>.</summary>
[GenerateSerializer, Immutable]
[Alias("mlops.registry.ModelEvent")]
public sealed record ModelEvent(
    [property: Id(0)] string ModelName,
    [property: Id(1)] string Kind,
    [property: Id(2)] long? Version,
    [property: Id(3)] string? Alias,
    [property: Id(4)] ModelStage? Stage,
    [property: Id(5)] ModelVersionStatus? Status,
    [property: Id(6)] long Timestamp);
