namespace MlOps.Orleans.Contracts.Registry;

/// <summary>One immutable version of a registered model; only its description, stage, tags and aliases change.</summary>
[GenerateSerializer, Immutable]
[Alias("mlops.registry.ModelVersionInfo")]
public sealed record ModelVersionInfo(
    [property: Id(0)] string ModelName,
    [property: Id(1)] long Version,
    [property: Id(2)] long CreationTime,
    [property: Id(3)] long LastUpdatedTime,
    [property: Id(4)] string UserId,
    [property: Id(5)] ModelStage Stage,
    [property: Id(6)] string Description,
    [property: Id(7)] string Source,
    [property: Id(8)] string RunId,
    [property: Id(9)] string RunLink,
    [property: Id(10)] ModelVersionStatus Status,
    [property: Id(11)] string StatusMessage,
    [property: Id(12)] IReadOnlyDictionary<string, string> Tags,
    [property: Id(13)] IReadOnlyList<string> Aliases,
    [property: Id(14)] string StorageLocation,
    [property: Id(15)] string Digest)
{
    /// <summary>
    /// False for a source outside the artifact store recorded as given (MLflow REST): the version has no files of its own,
    /// and every path that would read them (copying, downloads, serving) refuses it with the reason.
    /// </summary>
    public bool IsCopied => StorageLocation.Length > 0;
}
