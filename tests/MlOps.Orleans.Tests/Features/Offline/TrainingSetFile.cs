using Parquet;
using Parquet.Schema;

namespace MlOps.Orleans.Tests.Features.Offline;

/// <summary>A training set read back with Parquet.Net (not DuckDB): its column names and rows of CLR values.</summary>
public sealed record TrainingSetFile(IReadOnlyList<string> Columns, IReadOnlyList<object?[]> Rows, int RowGroups)
{
    public static async Task<TrainingSetFile> ReadAsync(string path)
    {
        await using var file = File.OpenRead(path);
        await using var reader = await ParquetReader.CreateAsync(file);
        var fields = reader.Schema.GetDataFields();
        var rows = new List<object?[]>();
        for (var g = 0; g < reader.RowGroupCount; g++)
        {
            using var group = reader.OpenRowGroupReader(g);
            var count = (int)group.RowCount;
            var columns = new List<object?[]>();
            foreach (var field in fields) columns.Add(await ReadColumnAsync(group, field, count));
            for (var r = 0; r < count; r++) rows.Add(columns.Select(c => c[r]).ToArray());
        }
        return new TrainingSetFile(fields.Select(f => f.Name).ToList(), rows, reader.RowGroupCount);
    }

    public object? this[int row, string column] => Rows[row][Index(column)];

    public int Index(string column)
    {
        var i = Columns.ToList().IndexOf(column);
        return i >= 0 ? i : throw new KeyNotFoundException($"no column '{column}' in {string.Join(", ", Columns)}");
    }

    private static async Task<object?[]> ReadColumnAsync(ParquetRowGroupReader group, DataField field, int count)
    {
        var type = Nullable.GetUnderlyingType(field.ClrType) ?? field.ClrType;
        if (type == typeof(string) || type == typeof(ReadOnlyMemory<char>))
        {
            var values = new string?[count];
            await group.ReadAsync(field, values.AsMemory(), null, CancellationToken.None);
            return values.Cast<object?>().ToArray();
        }
        if (type == typeof(byte[]))
        {
            var values = new byte[]?[count];
            await group.ReadAsync(field, values.AsMemory(), null, CancellationToken.None);
            return values.Cast<object?>().ToArray();
        }
        if (type == typeof(int)) return await ReadValues<int>(group, field, count);
        if (type == typeof(long)) return await ReadValues<long>(group, field, count);
        if (type == typeof(float)) return await ReadValues<float>(group, field, count);
        if (type == typeof(double)) return await ReadValues<double>(group, field, count);
        if (type == typeof(bool)) return await ReadValues<bool>(group, field, count);
        if (type == typeof(DateTime))
        {
            var values = await ReadValues<DateTime>(group, field, count);
            return values.Select(v => v is DateTime t ? (object)DateTime.SpecifyKind(t, DateTimeKind.Utc) : null).ToArray();
        }
        throw new NotSupportedException($"column {field.Name} has type {field.ClrType}");
    }

    private static async Task<object?[]> ReadValues<T>(ParquetRowGroupReader group, DataField field, int count) where T : struct
    {
        var values = new T?[count];
        await group.ReadAsync<T>(field, values.AsMemory(), null, CancellationToken.None);
        return values.Select(v => v.HasValue ? (object?)v.Value : null).ToArray();
    }

    /// <summary>The values of <paramref name="column"/>, for compact assertions.</summary>
    public IReadOnlyList<object?> Column(string column) => Rows.Select(r => r[Index(column)]).ToList();

}
