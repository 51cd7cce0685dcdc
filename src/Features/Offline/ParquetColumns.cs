using Parquet.Schema;
using MlOps.Orleans.Contracts.Features;

namespace MlOps.Orleans.Features.Offline;

/// <summary>
/// The Parquet column of a feature type. Every column is optional (a feature may be missing); timestamps are
/// TIMESTAMP(MICROS, adjusted to UTC), DuckDB's own resolution, so a value read back is the value written.
/// </summary>
internal static class ParquetColumns
{
    public static DataField Field(FieldSpec field) => field.Type == FeatureValueType.Timestamp
        ? new DateTimeDataField(field.Name, DateTimeFormat.Timestamp, isAdjustedToUTC: true, unit: DateTimeTimeUnit.Micros, isNullable: true)
        : new DataField(field.Name, FeatureTypes.ClrType(field.Type), isNullable: true);

    public static ParquetSchema Schema(IEnumerable<FieldSpec> fields) => new(fields.Select(Field).Cast<Field>().ToArray());
}
