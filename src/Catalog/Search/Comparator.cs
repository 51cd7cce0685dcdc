namespace MlOps.Orleans.Catalog.Search;

/// <summary>The comparators MLflow's search grammar knows; which ones apply depends on the identifier.</summary>
public enum Comparator
{
    Equal,
    NotEqual,
    Less,
    LessOrEqual,
    Greater,
    GreaterOrEqual,
    Like,
    ILike,
    In,
    NotIn,
}
