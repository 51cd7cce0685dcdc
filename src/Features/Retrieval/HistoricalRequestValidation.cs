using System.Text.RegularExpressions;
using MlOps.Orleans.Artifacts;
using MlOps.Orleans.Contracts.Common;
using MlOps.Orleans.Contracts.Features;

namespace MlOps.Orleans.Features.Retrieval;

/// <summary>The checks a training-set request passes before any definition or file is read; shared by every protocol.</summary>
public static partial class HistoricalRequestValidation
{
    public const string DefaultTimestampColumn = "event_timestamp";
    public const string DefaultDatasetName = "training-set";
    public const int MaxInlineRows = 1_000_000;

    [GeneratedRegex("^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$")]
    private static partial Regex DatasetNamePattern();

    /// <summary>Returns the request with defaults filled in, or throws INVALID_ARGUMENT naming the field.</summary>
    public static HistoricalFeaturesRequest Normalize(HistoricalFeaturesRequest request)
    {
        var timestamp = request.EventTimestampColumn.Length == 0 ? DefaultTimestampColumn : request.EventTimestampColumn;
        var name = request.DatasetName.Length > 0 ? request.DatasetName
            : request.FeatureService.Length > 0 ? request.FeatureService : DefaultDatasetName;
        if (!DatasetNamePattern().IsMatch(name))
        {
            throw MlopsException.Invalid("dataset_name", $"dataset name '{name}' must be 1-128 letters, digits, '_', '-' or '.', not starting with '.' or '-'");
        }
        if (request.Features.Count > 10_000) throw MlopsException.Invalid("features", "at most 10000 feature references per request");
        if (request.EntityRows is { } rows)
        {
            if (request.EntityDataset.Length > 0) throw MlopsException.Invalid("entities", "give entity rows or an entity dataset, not both");
            if (rows.RowCount == 0) throw MlopsException.Invalid("entity_rows", "entity_rows holds no rows");
            if (rows.RowCount > MaxInlineRows)
            {
                throw MlopsException.Invalid("entity_rows", $"at most {MaxInlineRows} inline entity rows; upload larger sets as a Parquet entity_dataset");
            }
            var ts = rows.Columns.FirstOrDefault(c => c.Name == timestamp)
                     ?? throw MlopsException.Invalid("entity_rows", $"entity rows have no '{timestamp}' column (event_timestamp_column)");
            if (ts.Type != FeatureValueType.Timestamp)
            {
                throw MlopsException.Invalid("entity_rows", $"entity column '{timestamp}' is {FeatureTypes.Name(ts.Type)}, not timestamp");
            }
            for (var i = 0; i < ts.Values.Count; i++)
            {
                if (ts.Values[i] is null) throw MlopsException.Invalid("entity_rows", $"row {i}: entity column '{timestamp}' is null");
            }
        }
        else
        {
            if (request.EntityDataset.Length == 0) throw MlopsException.Invalid("entities", "give entity rows or an entity dataset");
            ArtifactKeys.Validate(request.EntityDataset, "entity_dataset");
            if (!request.EntityDataset.EndsWith(".parquet", StringComparison.OrdinalIgnoreCase) &&
                !request.EntityDataset.EndsWith(".csv", StringComparison.OrdinalIgnoreCase))
            {
                throw MlopsException.Invalid("entity_dataset", $"entity dataset '{request.EntityDataset}' must be a .parquet or .csv file");
            }
        }
        return request with { EventTimestampColumn = timestamp, DatasetName = name };
    }
}
