namespace MlOps.Orleans.Catalog.Search;

/// <summary>
/// What an identifier resolved to and what may be said about it: the canonical key, whether values are numbers
/// or quoted strings, and the comparators allowed. Noun names the kind in error messages ("metric", "tag").
/// </summary>
internal sealed record FieldRule(EntityKind Kind, string Key, string Noun, bool IsNumeric, IReadOnlyList<Comparator> Comparators)
{
    public static FieldRule Numeric(EntityKind kind, string key, string noun) =>
        new(kind, key, noun, true, ComparatorSyntax.Numeric);

    public static FieldRule Text(EntityKind kind, string key, string noun) =>
        new(kind, key, noun, false, ComparatorSyntax.Text);

    public static FieldRule TextOrList(EntityKind kind, string key, string noun) =>
        new(kind, key, noun, false, ComparatorSyntax.TextOrList);
}
