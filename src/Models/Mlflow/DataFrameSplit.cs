using System.Text.Json;
using MlOps.Orleans.Contracts.Common;

namespace MlOps.Orleans.Models.Mlflow;

/// <summary>
/// A table in pandas' split orientation, as MLflow writes input examples and sends <c>dataframe_split</c> requests:
/// <c>{"columns": ["a", "b"], "data": [[1, 2], [3, 4]]}</c> (an <c>index</c> is allowed and ignored).
/// </summary>
/// <param name="Columns">The column names, in the order of each row's cells.</param>
/// <param name="Rows">Each row: a JSON array with one cell per column.</param>
public sealed record DataFrameSplit(IReadOnlyList<string> Columns, IReadOnlyList<JsonElement> Rows)
{
    /// <summary>Reads and checks a split-orientation object; the elements must outlive the caller's document.</summary>
    /// <param name="frame">The JSON object.</param>
    /// <param name="where">What it is, for messages: <c>input example 'input_example.json'</c>.</param>
    /// <exception cref="MlopsException">Invalid, field <c>input_example</c>: not a table of that shape.</exception>
    public static DataFrameSplit Parse(JsonElement frame, string where)
    {
        if (frame.ValueKind != JsonValueKind.Object
            || !frame.TryGetProperty("columns", out var columns) || columns.ValueKind != JsonValueKind.Array
            || !frame.TryGetProperty("data", out var data) || data.ValueKind != JsonValueKind.Array)
        {
            throw Invalid($"{where} must hold a table as {{\"columns\": [...], \"data\": [[...], ...]}}");
        }

        var names = new List<string>();
        foreach (var column in columns.EnumerateArray())
        {
            var name = column.ValueKind == JsonValueKind.String ? column.GetString()! : throw Invalid($"{where}: column names must be strings, not {column.GetRawText()}");
            if (names.Contains(name, StringComparer.Ordinal))
            {
                throw Invalid($"{where}: column '{name}' appears twice");
            }

            names.Add(name);
        }

        var rows = new List<JsonElement>();
        foreach (var row in data.EnumerateArray())
        {
            if (row.ValueKind != JsonValueKind.Array || row.GetArrayLength() != names.Count)
            {
                throw Invalid($"{where}: row {rows.Count} must be a list of {names.Count} values, one per column");
            }

            rows.Add(row);
        }

        return new DataFrameSplit(names, rows);
    }

    private static MlopsException Invalid(string reason) => MlopsException.Invalid("input_example", reason);
}
