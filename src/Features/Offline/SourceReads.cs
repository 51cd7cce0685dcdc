using MlOps.Orleans.Contracts.Features;
namespace MlOps.Orleans.Features.Offline;

/// <summary>The DuckDB table function call that reads a resolved source, or a typed empty table for an empty push source.</summary>
internal static class SourceReads
{
    public static string Read(ResolvedSource source)
    {
        if (source.IsEmpty) return EmptyTable(source.Spec);
        var files = SqlText.StrList(source.Files);
        // Explicit options: DuckDB would otherwise guess hive partitioning from any "k=v" folder (push folders have one).
        var hive = source.Spec.HivePartitioning ? "true" : "false";
        return source.Spec.Format == SourceFormat.Csv
            ? $"read_csv({files}, union_by_name = true, hive_partitioning = {hive})"
            : $"read_parquet({files}, union_by_name = true, hive_partitioning = {hive})";
    }

    /// <summary>SELECT list of typed NULLs: a push source nobody pushed to yet has its schema and no rows.</summary>
    public static string EmptyTable(DataSourceSpec spec)
    {
        var columns = spec.Schema.Select(f => (f.Name, f.Type)).ToList();
        foreach (var ts in new[] { spec.TimestampField, spec.CreatedTimestampField })
        {
            if (!string.IsNullOrEmpty(ts) && !columns.Any(c => string.Equals(c.Name, ts, StringComparison.OrdinalIgnoreCase)))
                columns.Add((ts, FeatureValueType.Timestamp));
        }
        var list = columns.Count == 0 ? "NULL AS " + SqlText.Reserved + "none" : string.Join(", ", columns.Select(c => $"CAST(NULL AS {FeatureTypes.DuckDbType(c.Type)}) AS {SqlText.Id(c.Name)}"));
        return $"(SELECT {list} WHERE false)";
    }
}
