namespace MlOps.Orleans.Catalog.Search;

/// <summary>
/// One <c>identifier comparator value</c> clause. Attribute keys are already normalised (<c>created</c> is
/// <c>start_time</c>); Position is the 1-based offset of the identifier, for errors raised after parsing.
/// </summary>
public sealed record FilterClause(EntityKind Kind, string Key, Comparator Comparator, FilterValue Value, int Position);
