namespace MlOps.Orleans.Catalog.Search;

/// <summary>
/// Which identifiers one search surface understands (runs, experiments, registered models; filter or order_by)
/// and how each is typed. Prefixes are case-sensitive lower-case, as in MLflow.
/// </summary>
internal sealed class SearchDialect
{
    private readonly IReadOnlyDictionary<string, EntityKind> _prefixes;
    private readonly IReadOnlyDictionary<string, FieldRule> _attributes;
    private readonly string _attributeNames;
    private readonly IReadOnlyDictionary<string, FieldRule> _datasetFields;
    private readonly bool _keyedListsAllowed;

    /// <param name="prefixes">Accepted prefixes; a kind absent here cannot be named at all.</param>
    /// <param name="attributes">Accepted attribute spellings, aliases included, each mapped to its canonical rule.</param>
    /// <param name="attributeNames">The spellings listed when an attribute is unknown.</param>
    /// <param name="datasetFields">Fixed keys under the dataset prefix.</param>
    /// <param name="keyedListsAllowed">Params and tags also take IN and NOT IN (MLflow 3's logged-model search does).</param>
    public SearchDialect(
        IReadOnlyDictionary<string, EntityKind> prefixes,
        IReadOnlyDictionary<string, FieldRule> attributes,
        string attributeNames,
        IReadOnlyDictionary<string, FieldRule>? datasetFields = null,
        bool keyedListsAllowed = false)
    {
        _keyedListsAllowed = keyedListsAllowed;
        _prefixes = prefixes;
        _attributes = attributes;
        _attributeNames = attributeNames;
        _datasetFields = datasetFields ?? new Dictionary<string, FieldRule>();
    }

    public FieldRule Resolve(RawIdentifier identifier, SearchTokenizer tokens)
    {
        var kind = identifier.Prefix is null ? EntityKind.Attribute : ResolvePrefix(identifier, tokens);
        return kind switch
        {
            EntityKind.Metric => FieldRule.Numeric(kind, identifier.Key, "metric"),
            EntityKind.Param => _keyedListsAllowed ? FieldRule.TextOrList(kind, identifier.Key, "param") : FieldRule.Text(kind, identifier.Key, "param"),
            EntityKind.Tag => _keyedListsAllowed ? FieldRule.TextOrList(kind, identifier.Key, "tag") : FieldRule.Text(kind, identifier.Key, "tag"),
            EntityKind.Dataset => _datasetFields.TryGetValue(identifier.Key, out var field)
                ? field
                : throw tokens.Error(identifier.KeyPosition,
                    $"unknown dataset field '{identifier.Key}'; valid dataset fields are {string.Join(", ", _datasetFields.Keys)}"),
            _ => _attributes.TryGetValue(identifier.Key, out var attribute)
                ? attribute
                : throw tokens.Error(identifier.KeyPosition,
                    $"unknown attribute '{identifier.Key}'; valid attributes are {_attributeNames}"),
        };
    }

    private EntityKind ResolvePrefix(RawIdentifier identifier, SearchTokenizer tokens)
    {
        var prefix = identifier.Prefix!;
        if (_prefixes.TryGetValue(prefix, out var kind))
        {
            return kind;
        }

        var lower = prefix.ToLowerInvariant();
        if (_prefixes.ContainsKey(lower))
        {
            throw tokens.Error(identifier.Position, $"prefix '{prefix}' in '{identifier.Display}' must be lower-case: '{lower}'");
        }

        throw tokens.Error(identifier.Position,
            $"unknown prefix '{prefix}' in '{identifier.Display}'; valid prefixes are {string.Join(", ", _prefixes.Keys.Select(p => p + "."))}");
    }
}
