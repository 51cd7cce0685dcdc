namespace MlOps.Orleans.Catalog.Search;

/// <summary>
/// Reads <c>prefix.key</c>, <c>prefix.`quoted key`</c>, <c>prefix."quoted key"</c> or a bare name. Only the
/// first dot separates the prefix, so <c>metrics.a.b</c> has key <c>a.b</c>.
/// </summary>
internal static class IdentifierReader
{
    public static RawIdentifier Read(SearchTokenizer tokens)
    {
        var first = tokens.Next();
        if (first.Kind is TokenKind.Backticked or TokenKind.DoubleQuoted)
        {
            return new RawIdentifier(first.Position, first.Text, null, RequireKey(tokens, first.Value, first), first.Position);
        }

        if (first.Kind != TokenKind.Word || NumberLiteral.IsNumber(first.Text))
        {
            throw tokens.Error(first.Position, $"expected an identifier such as metrics.<key>, found {first.Describe()}");
        }

        var dot = first.Text.IndexOf('.', StringComparison.Ordinal);
        if (dot < 0)
        {
            return new RawIdentifier(first.Position, first.Text, null, first.Text, first.Position);
        }

        var prefix = first.Text[..dot];
        var key = first.Text[(dot + 1)..];
        if (key.Length > 0)
        {
            return new RawIdentifier(first.Position, first.Text, prefix, key, first.Position + dot + 1);
        }

        // "metrics." alone: the key must follow as a quoted token with no space in between.
        var quoted = tokens.Peek();
        if (quoted.Position != first.End || quoted.Kind is not (TokenKind.Backticked or TokenKind.DoubleQuoted))
        {
            throw tokens.Error(first.End, $"expected a key after '{first.Text}', found {quoted.Describe()}");
        }

        tokens.Next();
        return new RawIdentifier(first.Position, first.Text + quoted.Text, prefix, RequireKey(tokens, quoted.Value, quoted), quoted.Position);
    }

    private static string RequireKey(SearchTokenizer tokens, string key, Token token) =>
        key.Length > 0 ? key : throw tokens.Error(token.Position, $"empty key {token.Text}");
}
