using System.Globalization;
using MlOps.Orleans.Artifacts;
using MlOps.Orleans.Contracts.Common;
using Parquet;
using MlOps.Orleans.Contracts.Features;

namespace MlOps.Orleans.Features.Offline;

/// <summary>
/// Stores rows pushed to a push source's offline side: one new immutable Parquet file per event date, named
/// <c>&lt;UTC time of the push&gt;-&lt;random&gt;.parquet</c> so that file name order is push order (the full-tie rule of
/// retrieval, "later file wins", then means "later push wins"; pushes on different machines are ordered by their clocks).
/// </summary>
internal sealed class PushFileWriter(IArtifactStore artifacts, OfflineStoreOptions options)
{
    public async Task<PushResult> AppendAsync(DataSourceSpec source, FeatureFrame rows, CancellationToken ct)
    {
        if (!source.IsPush) throw MlopsException.Invalid("push_source", $"source '{source.Name}' is not a push source");
        var ts = rows.Columns.FirstOrDefault(c => c.Name == source.TimestampField)
            ?? throw MlopsException.Invalid("rows", $"the rows have no event timestamp column '{source.TimestampField}'");
        if (ts.Type != FeatureValueType.Timestamp) throw MlopsException.Invalid("rows", $"column '{ts.Name}' is not a timestamp");
        var byDate = new SortedDictionary<DateOnly, List<int>>();
        for (var row = 0; row < rows.RowCount; row++)
        {
            if (ts.Values[row] is not DateTime t) throw MlopsException.Invalid("rows", $"row {row} has no event timestamp");
            var date = DateOnly.FromDateTime(t.Kind == DateTimeKind.Local ? t.ToUniversalTime() : t);
            if (!byDate.TryGetValue(date, out var list)) byDate[date] = list = [];
            list.Add(row);
        }
        var stamp = DateTime.UtcNow.ToString("yyyyMMdd'T'HHmmssfffffff", CultureInfo.InvariantCulture);
        var unique = $"{stamp}-{Guid.NewGuid():N}";
        var files = new List<string>();
        foreach (var (date, indexes) in byDate)
        {
            var key = $"{SourceResolver.PushFolder(source.Name)}/date={date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}/{unique}.parquet";
            ArtifactKeys.Validate(key, "push_source");
            var temp = Path.Join(options.TempDirectory, "push-" + Guid.NewGuid().ToString("N") + ".parquet");
            Directory.CreateDirectory(options.TempDirectory);
            try
            {
                await using (var file = new FileStream(temp, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 1 << 16, FileOptions.Asynchronous))
                {
                    await WriteAsync(rows, indexes, file, ct).ConfigureAwait(false);
                    file.Position = 0;
                    await artifacts.WriteAsync(key, file, null, ct).ConfigureAwait(false);
                }
                files.Add(key);
            }
            finally
            {
                File.Delete(temp);
            }
        }
        return new PushResult(rows.RowCount, files);
    }

    private async Task WriteAsync(FeatureFrame rows, List<int> indexes, Stream output, CancellationToken ct)
    {
        var fields = rows.Columns.Select(c => new FieldSpec(c.Name, c.Type)).ToList();
        var schema = ParquetColumns.Schema(fields);
        var dataFields = schema.GetDataFields();
        await using var writer = await ParquetWriter.CreateAsync(schema, output, new ParquetOptions(), append: false, ct).ConfigureAwait(false);
        for (var start = 0; start < indexes.Count; start += options.RowGroupSize)
        {
            var count = Math.Min(options.RowGroupSize, indexes.Count - start);
            using var group = writer.CreateRowGroup();
            for (var c = 0; c < rows.Columns.Count; c++)
            {
                var column = rows.Columns[c];
                var buffer = ColumnBuffer.Create(column.Type, count);
                for (var i = 0; i < count; i++) buffer.Set(i, column.Values[indexes[start + i]]);
                await buffer.WriteAsync(group, dataFields[c], count, ct).ConfigureAwait(false);
            }
        }
    }
}
