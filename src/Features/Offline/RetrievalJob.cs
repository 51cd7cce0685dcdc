using MlOps.Orleans.Contracts.Features;
namespace MlOps.Orleans.Features.Offline;

/// <summary>
/// A resolved historical retrieval: entity rows, the feature views (with the versions and features chosen), the on-demand
/// views computed on the result, and every source and entity the views name.
/// </summary>
/// <param name="EntityRows">The entity rows: join keys, <paramref name="EventTimestampColumn"/> and any other columns.</param>
/// <param name="EventTimestampColumn">The entity rows' column holding each row's point in time.</param>
/// <param name="Views">
/// Views to join, in output order. A view an on-demand view reads must be here too (with an empty feature list when none of
/// its own features is wanted): its inputs are fetched as hidden columns.
/// </param>
/// <param name="OnDemand">On-demand views computed row by row on the joined result, in output order.</param>
/// <param name="Sources">Every data source a view names (its source, or the sources its SQL reads), by name.</param>
/// <param name="Entities">Every entity a view names, by name.</param>
/// <param name="FilterByCreatedTimestamp">Also require created_ts &lt;= the entity row's timestamp (no late-arriving rows).</param>
public sealed record RetrievalJob(
    EntityInput EntityRows,
    string EventTimestampColumn,
    IReadOnlyList<ViewSelection> Views,
    IReadOnlyList<OnDemandSelection> OnDemand,
    IReadOnlyDictionary<string, DataSourceSpec> Sources,
    IReadOnlyDictionary<string, EntitySpec> Entities,
    bool FilterByCreatedTimestamp);
