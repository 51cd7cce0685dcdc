using DuckDB.NET.Data;
using Parquet;
using Parquet.Schema;
using MlOps.Orleans.Contracts.Features;

namespace MlOps.Orleans.Features.Offline;

/// <summary>
/// One row group's worth of one column, typed so that reading from DuckDB and writing to Parquet do not box values;
/// only on-demand inputs and outputs go through <see cref="Get"/>/<see cref="Set"/> as objects.
/// </summary>
internal abstract class ColumnBuffer
{
    public abstract void Read(DuckDBDataReader reader, int ordinal, int row);

    public abstract object? Get(int row);

    public abstract void Set(int row, object? value);

    public abstract Task WriteAsync(ParquetRowGroupWriter writer, DataField field, int count, CancellationToken ct);

    public static ColumnBuffer Create(FeatureValueType type, int capacity) => type switch
    {
        FeatureValueType.Int32 => new ValueColumnBuffer<int>(capacity),
        FeatureValueType.Int64 => new ValueColumnBuffer<long>(capacity),
        FeatureValueType.Float32 => new ValueColumnBuffer<float>(capacity),
        FeatureValueType.Float64 => new ValueColumnBuffer<double>(capacity),
        FeatureValueType.Bool => new ValueColumnBuffer<bool>(capacity),
        FeatureValueType.Timestamp => new TimestampColumnBuffer(capacity),
        FeatureValueType.String => new StringColumnBuffer(capacity),
        FeatureValueType.Bytes => new BytesColumnBuffer(capacity),
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "no value type"),
    };
}
