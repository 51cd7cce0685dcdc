using DuckDB.NET.Data;

namespace MlOps.Orleans.Features.Offline;

/// <summary>Timestamps: DuckDB returns them without a kind; the session is in UTC, so they are UTC.</summary>
internal sealed class TimestampColumnBuffer(int capacity) : ValueColumnBuffer<DateTime>(capacity)
{
    public override void Read(DuckDBDataReader reader, int ordinal, int row) =>
        Values[row] = reader.IsDBNull(ordinal) ? null : DateTime.SpecifyKind(reader.GetDateTime(ordinal), DateTimeKind.Utc);

    public override void Set(int row, object? value) =>
        Values[row] = value is DateTime t ? (t.Kind == DateTimeKind.Local ? t.ToUniversalTime() : DateTime.SpecifyKind(t, DateTimeKind.Utc)) : null;
}
