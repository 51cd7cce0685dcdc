namespace MlOps.Orleans.Catalog.Search;

/// <summary>
/// Entry points for MLflow's search grammar. Every syntax error is an INVALID_ARGUMENT MlopsException whose
/// field is "filter" or "order_by" and whose message gives the 1-based position and the reason.
/// </summary>
public static class SearchFilterParser
{
    public static IReadOnlyList<FilterClause> ParseRunFilter(string? filter) =>
        FilterClauseParser.Parse(filter, SearchDialects.RunFilter);

    public static IReadOnlyList<FilterClause> ParseExperimentFilter(string? filter) =>
        FilterClauseParser.Parse(filter, SearchDialects.ExperimentFilter);

    public static IReadOnlyList<FilterClause> ParseRegisteredModelFilter(string? filter) =>
        FilterClauseParser.Parse(filter, SearchDialects.RegisteredModelFilter);

    public static IReadOnlyList<FilterClause> ParseModelVersionFilter(string? filter) =>
        FilterClauseParser.Parse(filter, SearchDialects.ModelVersionFilter);

    public static IReadOnlyList<FilterClause> ParseLoggedModelFilter(string? filter) =>
        FilterClauseParser.Parse(filter, SearchDialects.LoggedModelFilter);

    public static OrderClause ParseRegisteredModelOrderBy(string orderBy) =>
        OrderByParser.Parse(orderBy, SearchDialects.RegisteredModelOrderBy);

    public static OrderClause ParseModelVersionOrderBy(string orderBy) =>
        OrderByParser.Parse(orderBy, SearchDialects.ModelVersionOrderBy);

    public static OrderClause ParseRunOrderBy(string orderBy) =>
        OrderByParser.Parse(orderBy, SearchDialects.RunOrderBy);

    public static OrderClause ParseExperimentOrderBy(string orderBy) =>
        OrderByParser.Parse(orderBy, SearchDialects.ExperimentOrderBy);
}
