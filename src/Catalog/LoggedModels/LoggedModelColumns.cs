using MlOps.Orleans.Catalog.Search;
using MlOps.Orleans.Catalog.Storage;
using MlOps.Orleans.Contracts.Common;
using MlOps.Orleans.Contracts.Tracking;

namespace MlOps.Orleans.Catalog.LoggedModels;

/// <summary>The attributes a logged-model search names (MLflow 3's spellings and aliases) and their columns.</summary>
internal static class LoggedModelColumns
{
    public const string AttributeNames =
        "model_id, name, model_type, source_run_id, status, status_message, creation_timestamp, last_updated_timestamp";

    public static (string Column, SortType Type)? Attribute(string name) => name switch
    {
        "model_id" => ("lm.model_id", SortType.Text),
        "name" => ("lm.name", SortType.Text),
        "model_type" => ("lm.model_type", SortType.Text),
        "source_run_id" => ("lm.source_run_id", SortType.Text),
        "status" => ("lm.status", SortType.Text),
        "status_message" => ("lm.status_message", SortType.Text),
        "creation_timestamp" or "creation_timestamp_ms" or "creation_time" => ("lm.creation_time", SortType.Integer),
        "last_updated_timestamp" or "last_updated_timestamp_ms" => ("lm.last_updated_time", SortType.Integer),
        _ => null,
    };

    /// <summary>
    /// Status by name: <c>READY</c> or <c>LOGGED_MODEL_READY</c> (3.5 compares the stored number with the text, so only
    /// <c>'2'</c> ever matched there; the names are what its users write).
    /// </summary>
    public static string StatusFilter(FilterClause f, SqlParameters p)
    {
        int Parse(string? text) => (text ?? "").ToUpperInvariant().Replace("LOGGED_MODEL_", "", StringComparison.Ordinal) switch
        {
            "PENDING" or "1" => (int)LoggedModelStatus.Pending,
            "READY" or "2" => (int)LoggedModelStatus.Ready,
            "FAILED" or "UPLOAD_FAILED" or "3" => (int)LoggedModelStatus.Failed,
            _ => throw MlopsException.Invalid("filter", $"status '{text}' (position {f.Position}) is not a logged-model status; use PENDING, READY or FAILED"),
        };
        return f.Comparator switch
        {
            Comparator.Equal => $"lm.status = {p.Add(Parse(f.Value.Text))}",
            Comparator.NotEqual => $"lm.status <> {p.Add(Parse(f.Value.Text))}",
            Comparator.In => $"lm.status IN ({string.Join(", ", (f.Value.List ?? []).Select(v => p.Add(Parse(v))))})",
            Comparator.NotIn => $"lm.status NOT IN ({string.Join(", ", (f.Value.List ?? []).Select(v => p.Add(Parse(v))))})",
            _ => throw MlopsException.Invalid("filter", $"status (position {f.Position}) takes =, !=, IN or NOT IN"),
        };
    }
}
