namespace MlOps.Orleans.Catalog.Search;

/// <summary>One parsed order_by entry; ascending unless DESC was given.</summary>
public sealed record OrderClause(EntityKind Kind, string Key, bool Descending);
