namespace MlOps.Orleans.Catalog.Search;

/// <summary>
/// The right-hand side of a clause. Exactly one of the three is set: a number for metrics and numeric
/// attributes, text for string comparisons, a list for IN / NOT IN.
/// </summary>
public sealed record FilterValue(double? Number, string? Text, IReadOnlyList<string>? List)
{
    public static FilterValue Of(double number) => new(number, null, null);

    public static FilterValue Of(string text) => new(null, text, null);

    public static FilterValue Of(IReadOnlyList<string> list) => new(null, null, list);
}
