using DuckDB.NET.Data;
using Parquet;
using Parquet.Schema;

namespace MlOps.Orleans.Features.Offline;

internal sealed class StringColumnBuffer(int capacity) : ColumnBuffer
{
    private readonly string?[] _values = new string?[capacity];

    public override void Read(DuckDBDataReader reader, int ordinal, int row) =>
        _values[row] = reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

    public override object? Get(int row) => _values[row];

    public override void Set(int row, object? value) => _values[row] = value as string;

    public override Task WriteAsync(ParquetRowGroupWriter writer, DataField field, int count, CancellationToken ct) =>
        writer.WriteAsync(field, new ArraySegment<string>(_values!, 0, count), null);
}
