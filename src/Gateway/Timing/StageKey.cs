namespace MlOps.Orleans.Gateway.Timing;

/// <summary>
/// One instrument and up to three tags, the identity of one aggregated histogram. A value type compared field by field, so
/// looking a measurement's histogram up allocates nothing; our instruments carry at most three string tags.
/// </summary>
internal readonly record struct StageKey(string Instrument, string? Tag1, string? Value1, string? Tag2, string? Value2, string? Tag3, string? Value3)
{
    public const int MaxTags = 3;

    public static StageKey Of(string instrument, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        // Tags arrive in the caller's order; every recording point of an instrument passes them in one order.
        return new StageKey(instrument,
            tags.Length > 0 ? tags[0].Key : null, tags.Length > 0 ? Text(tags[0].Value) : null,
            tags.Length > 1 ? tags[1].Key : null, tags.Length > 1 ? Text(tags[1].Value) : null,
            tags.Length > 2 ? tags[2].Key : null, tags.Length > 2 ? Text(tags[2].Value) : null);
    }

    public IReadOnlyDictionary<string, string?> Tags()
    {
        var tags = new SortedDictionary<string, string?>(StringComparer.Ordinal);
        if (Tag1 is not null) tags[Tag1] = Value1;
        if (Tag2 is not null) tags[Tag2] = Value2;
        if (Tag3 is not null) tags[Tag3] = Value3;
        return tags;
    }

    private static string? Text(object? value) => value as string ?? Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture);
}
