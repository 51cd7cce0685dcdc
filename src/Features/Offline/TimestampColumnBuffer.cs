using DuckDB.NET.Data;
using MlOps.Orleans.Contracts.Common;

namespace MlOps.Orleans.Features.Offline;

/// <summary>Timestamps: DuckDB returns them without a kind; the session is in UTC, so they are UTC.</summary>
internal sealed class TimestampColumnBuffer(int capacity) : ValueColumnBuffer<DateTime>(capacity)
{
    public override void Read(DuckDBDataReader reader, int ordinal, int row)
    {
        if (reader.IsDBNull(ordinal))
        {
            Values[row] = null;
            return;
        }
        try
        {
            Values[row] = DateTime.SpecifyKind(reader.GetDateTime(ordinal), DateTimeKind.Utc);
        }
        catch (InvalidOperationException)
        {
            // DuckDB has 'infinity' timestamps; .NET and the training set's consumers do not.
            throw MlopsException.Precondition($"column '{reader.GetName(ordinal)}' holds an infinite timestamp, which a training set cannot hold");
        }
    }

    public override void Set(int row, object? value) =>
        Values[row] = value is DateTime t ? (t.Kind == DateTimeKind.Local ? t.ToUniversalTime() : DateTime.SpecifyKind(t, DateTimeKind.Utc)) : null;
}
