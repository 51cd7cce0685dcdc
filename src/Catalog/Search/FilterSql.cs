using MlOps.Orleans.Catalog.Storage;
using MlOps.Orleans.Contracts.Common;

namespace MlOps.Orleans.Catalog.Search;

/// <summary>SQL for one parsed filter clause's comparison; shared by the tracking and registry searches.</summary>
internal static class FilterSql
{
    /// <summary>A text comparison of <paramref name="column"/>; ILIKE is the one comparator whose SQL differs by dialect.</summary>
    public static string Compare(CatalogDatabase dialect, string column, FilterClause f, SqlParameters p) => f.Comparator switch
    {
        Comparator.Like => $"{column} LIKE {p.Add(f.Value.Text)}",
        Comparator.ILike => dialect.ILike(column, p.Add(f.Value.Text)),
        Comparator.In => $"{column} IN ({string.Join(", ", (f.Value.List ?? []).Select(p.Add))})",
        Comparator.NotIn => $"{column} NOT IN ({string.Join(", ", (f.Value.List ?? []).Select(p.Add))})",
        _ => $"{column} {Op(f.Comparator)} {p.Add(f.Value.Text)}",
    };

    public static string Op(Comparator c) => c switch
    {
        Comparator.Equal => "=",
        Comparator.NotEqual => "<>",
        Comparator.Less => "<",
        Comparator.LessOrEqual => "<=",
        Comparator.Greater => ">",
        Comparator.GreaterOrEqual => ">=",
        _ => throw MlopsException.Invalid("filter", $"comparator {c} does not apply here"),
    };
}
