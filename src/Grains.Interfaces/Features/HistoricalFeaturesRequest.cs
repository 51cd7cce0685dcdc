namespace MlOps.Orleans.Contracts.Features;

/// <summary>
/// A point-in-time correct training set request. Entity rows come inline (<see cref="EntityRows"/>) or from a Parquet/CSV file
/// in the artifact store (<see cref="EntityDataset"/>, an artifact key); features from <see cref="Features"/>
/// (<c>view:feature</c> or <c>view@v2:feature</c>) or a <see cref="FeatureService"/>, not both.
/// </summary>
[GenerateSerializer, Immutable]
[Alias("mlops.features.HistoricalFeaturesRequest")]
public sealed record HistoricalFeaturesRequest(
    [property: Id(0)] FeatureFrame? EntityRows,
    [property: Id(1)] string EntityDataset,
    [property: Id(2)] string EventTimestampColumn,
    [property: Id(3)] IReadOnlyList<string> Features,
    [property: Id(4)] string FeatureService,
    [property: Id(5)] bool FullFeatureNames,
    [property: Id(6)] bool FilterByCreatedTimestamp,
    [property: Id(7)] string DatasetName);

/// <summary>Which definition version a training set used.</summary>
[GenerateSerializer, Immutable]
[Alias("mlops.features.DefinitionRef")]
public sealed record DefinitionRef(
    [property: Id(0)] DefinitionKind Kind,
    [property: Id(1)] string Name,
    [property: Id(2)] int Version);

/// <summary>A stored training set: a Parquet file in the artifact store, identified by the SHA-256 of its bytes.</summary>
[GenerateSerializer, Immutable]
[Alias("mlops.features.TrainingDatasetInfo")]
public sealed record TrainingDatasetInfo(
    [property: Id(0)] string Name,
    [property: Id(1)] int Version,
    [property: Id(2)] string ArtifactKey,
    [property: Id(3)] string Digest,
    [property: Id(4)] long RowCount,
    [property: Id(5)] long SizeBytes,
    [property: Id(6)] IReadOnlyList<FieldSpec> Schema,
    [property: Id(7)] IReadOnlyList<DefinitionRef> Lineage,
    [property: Id(8)] string RequestJson,
    [property: Id(9)] long CreatedAt);
