namespace MlOps.Orleans.Contracts.Features;

/// <summary>
/// A column of typed values. Values are null or the CLR type of <see cref="Type"/>: int, long, float, double, bool, string,
/// byte[] or a UTC <see cref="DateTime"/>.
/// </summary>
[GenerateSerializer, Immutable]
[Alias("mlops.features.FrameColumn")]
public sealed record FrameColumn(
    [property: Id(0)] string Name,
    [property: Id(1)] FeatureValueType Type,
    [property: Id(2)] IReadOnlyList<object?> Values);

/// <summary>Rows in column-major form: entity rows of a request, or rows pushed to a source.</summary>
[GenerateSerializer, Immutable]
[Alias("mlops.features.FeatureFrame")]
public sealed record FeatureFrame([property: Id(0)] IReadOnlyList<FrameColumn> Columns)
{
    public int RowCount => Columns.Count == 0 ? 0 : Columns[0].Values.Count;
}
