using DuckDB.NET.Data;
using Parquet;
using Parquet.Schema;

namespace MlOps.Orleans.Features.Offline;

/// <summary>A column of a numeric or boolean type.</summary>
internal class ValueColumnBuffer<T>(int capacity) : ColumnBuffer where T : struct
{
    protected T?[] Values { get; } = new T?[capacity];

    public override void Read(DuckDBDataReader reader, int ordinal, int row) =>
        Values[row] = reader.IsDBNull(ordinal) ? null : reader.GetFieldValue<T>(ordinal);

    public override object? Get(int row) => Values[row];

    public override void Set(int row, object? value) => Values[row] = value is T t ? t : null;

    public override Task WriteAsync(ParquetRowGroupWriter writer, DataField field, int count, CancellationToken ct) =>
        writer.WriteAsync<T>(field, new ReadOnlyMemory<T?>(Values, 0, count), null, null, ct);
}
