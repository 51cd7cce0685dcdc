namespace MlOps.Orleans.Contracts.Features;

/// <summary>File format of a batch source.</summary>
[Alias("mlops.features.SourceFormat")]
public enum SourceFormat
{
    Parquet = 0,
    Csv = 1,
}

/// <summary>
/// Where feature rows come from. A batch source is files named by <see cref="Path"/>: <c>artifacts:&lt;key glob&gt;</c> in the
/// artifact store, or <c>file:&lt;absolute glob&gt;</c> under one of the configured source roots. A push source has no path:
/// rows pushed to its offline side are stored as Parquet under <c>feature-store/push/&lt;name&gt;/</c> in the artifact store,
/// so its <see cref="Schema"/> is required.
/// </summary>
[GenerateSerializer, Immutable]
[Alias("mlops.features.DataSourceSpec")]
public sealed record DataSourceSpec(
    [property: Id(0)] string Name,
    [property: Id(1)] bool IsPush,
    [property: Id(2)] SourceFormat Format,
    [property: Id(3)] string Path,
    [property: Id(4)] string TimestampField,
    [property: Id(5)] string CreatedTimestampField,
    [property: Id(6)] bool HivePartitioning,
    [property: Id(7)] IReadOnlyList<FieldSpec> Schema,
    [property: Id(8)] string Description,
    [property: Id(9)] IReadOnlyDictionary<string, string> Tags);
