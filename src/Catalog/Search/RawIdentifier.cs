namespace MlOps.Orleans.Catalog.Search;

/// <summary>
/// An identifier as written, before a dialect gives it meaning. Prefix is null for a bare name; Display is the
/// source text so errors quote exactly what the user typed.
/// </summary>
internal readonly record struct RawIdentifier(int Position, string Display, string? Prefix, string Key, int KeyPosition);
