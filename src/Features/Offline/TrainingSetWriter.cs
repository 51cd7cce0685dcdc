using DuckDB.NET.Data;
using Parquet;
using Parquet.Schema;
using MlOps.Orleans.Contracts.Features;

namespace MlOps.Orleans.Features.Offline;

/// <summary>
/// Streams the query's rows into Parquet, computing on-demand outputs row by row with the same evaluator the online side
/// uses. Memory is one row group of buffers. The file bytes depend only on the rows and <see cref="OfflineStoreOptions.RowGroupSize"/>
/// (fixed row group boundaries, no timestamps or random ids in the metadata), so the same rows give the same digest.
/// </summary>
internal sealed class TrainingSetWriter
{
    private readonly RetrievalQuery _query;
    private readonly int _rowGroupSize;
    private readonly ColumnBuffer[] _columns;
    private readonly ColumnBuffer[][] _onDemand;
    private readonly object?[][] _inputs;
    private readonly object?[][] _outputs;
    private readonly (ColumnBuffer Buffer, DataField Field)[] _written;

    public TrainingSetWriter(RetrievalQuery query, int rowGroupSize)
    {
        _query = query;
        _rowGroupSize = rowGroupSize;
        _columns = query.Columns.Select(c => ColumnBuffer.Create(c.Field.Type, rowGroupSize)).ToArray();
        _onDemand = query.OnDemand
            .Select(b => b.OutputIndexes.Select(i => ColumnBuffer.Create(b.Selection.View.Outputs[i].Type, rowGroupSize)).ToArray())
            .ToArray();
        _inputs = query.OnDemand.Select(b => new object?[b.InputColumns.Length]).ToArray();
        _outputs = query.OnDemand.Select(b => new object?[b.Selection.View.Outputs.Count]).ToArray();
        Schema = query.Columns.Where(c => c.Written).Select(c => c.Field)
            .Concat(query.OnDemand.SelectMany(b => b.Selection.Outputs.Select((o, j) => new FieldSpec(o.OutputName, b.Selection.View.Outputs[b.OutputIndexes[j]].Type))))
            .ToList();
        var buffers = _columns.Where((_, i) => query.Columns[i].Written).Concat(_onDemand.SelectMany(b => b)).ToList();
        _written = buffers.Zip(Schema, (b, f) => (b, ParquetColumns.Field(f))).ToArray();
    }

    public IReadOnlyList<FieldSpec> Schema { get; }

    public async Task<long> WriteAsync(DuckDBDataReader reader, Stream output, CancellationToken ct)
    {
        var schema = new ParquetSchema(_written.Select(w => (Field)w.Field).ToArray());
        var options = new ParquetOptions { CompressionMethod = CompressionMethod.Snappy };
        await using var writer = await ParquetWriter.CreateAsync(schema, output, options, append: false, ct).ConfigureAwait(false);
        long total = 0;
        var row = 0;
        while (reader.Read())
        {
            for (var c = 0; c < _columns.Length; c++) _columns[c].Read(reader, c, row);
            Evaluate(row);
            if (++row == _rowGroupSize)
            {
                ct.ThrowIfCancellationRequested();
                await FlushAsync(writer, row, ct).ConfigureAwait(false);
                total += row;
                row = 0;
            }
        }
        if (row > 0 || total == 0) await FlushAsync(writer, row, ct).ConfigureAwait(false);
        return total + row;
    }

    private void Evaluate(int row)
    {
        for (var b = 0; b < _onDemand.Length; b++)
        {
            var binding = _query.OnDemand[b];
            var inputs = _inputs[b];
            for (var i = 0; i < inputs.Length; i++) inputs[i] = _columns[binding.InputColumns[i]].Get(row);
            binding.Selection.View.Evaluate(inputs, _outputs[b]);
            for (var j = 0; j < binding.OutputIndexes.Length; j++) _onDemand[b][j].Set(row, _outputs[b][binding.OutputIndexes[j]]);
        }
    }

    private async Task FlushAsync(ParquetWriter writer, int count, CancellationToken ct)
    {
        using var group = writer.CreateRowGroup();
        foreach (var (buffer, field) in _written) await buffer.WriteAsync(group, field, count, ct).ConfigureAwait(false);
    }
}
