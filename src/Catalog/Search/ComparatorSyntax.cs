namespace MlOps.Orleans.Catalog.Search;

/// <summary>How comparators are spelled, both for reading them and for naming them in errors.</summary>
internal static class ComparatorSyntax
{
    public static IReadOnlyList<Comparator> Numeric { get; } =
        [Comparator.Equal, Comparator.NotEqual, Comparator.Less, Comparator.LessOrEqual, Comparator.Greater, Comparator.GreaterOrEqual];

    public static IReadOnlyList<Comparator> Text { get; } =
        [Comparator.Equal, Comparator.NotEqual, Comparator.Like, Comparator.ILike];

    public static IReadOnlyList<Comparator> TextOrList { get; } =
        [Comparator.Equal, Comparator.NotEqual, Comparator.Like, Comparator.ILike, Comparator.In, Comparator.NotIn];

    public static string AllSpellings => "=, !=, <, <=, >, >=, LIKE, ILIKE, IN, NOT IN";

    public static bool TryParseOperator(string text, out Comparator comparator)
    {
        (var known, comparator) = text switch
        {
            "=" => (true, Comparator.Equal),
            "!=" => (true, Comparator.NotEqual),
            "<" => (true, Comparator.Less),
            "<=" => (true, Comparator.LessOrEqual),
            ">" => (true, Comparator.Greater),
            ">=" => (true, Comparator.GreaterOrEqual),
            _ => (false, Comparator.Equal),
        };
        return known;
    }

    public static string Spell(Comparator comparator) => comparator switch
    {
        Comparator.Equal => "=",
        Comparator.NotEqual => "!=",
        Comparator.Less => "<",
        Comparator.LessOrEqual => "<=",
        Comparator.Greater => ">",
        Comparator.GreaterOrEqual => ">=",
        Comparator.Like => "LIKE",
        Comparator.ILike => "ILIKE",
        Comparator.In => "IN",
        Comparator.NotIn => "NOT IN",
        _ => throw new ArgumentOutOfRangeException(nameof(comparator), comparator, null),
    };

    public static string SpellAll(IEnumerable<Comparator> comparators) => string.Join(", ", comparators.Select(Spell));
}
