namespace MlOps.Orleans.Catalog.Search;

/// <summary>What a search identifier refers to, taken from its prefix (<c>metrics.</c>, <c>tags.</c>, ...).</summary>
public enum EntityKind
{
    Metric,
    Param,
    Tag,
    Attribute,
    Dataset,
}
