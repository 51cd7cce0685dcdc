using DuckDB.NET.Data;
using Parquet;
using Parquet.Schema;

namespace MlOps.Orleans.Features.Offline;

internal sealed class BytesColumnBuffer(int capacity) : ColumnBuffer
{
    private readonly byte[]?[] _values = new byte[]?[capacity];

    public override void Read(DuckDBDataReader reader, int ordinal, int row)
    {
        if (reader.IsDBNull(ordinal))
        {
            _values[row] = null;
            return;
        }
        using var stream = reader.GetStream(ordinal);
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        _values[row] = copy.ToArray();
    }

    public override object? Get(int row) => _values[row];

    public override void Set(int row, object? value) => _values[row] = value as byte[];

    public override Task WriteAsync(ParquetRowGroupWriter writer, DataField field, int count, CancellationToken ct) =>
        writer.WriteAsync(field, new ArraySegment<byte[]>(_values!, 0, count), null);
}
