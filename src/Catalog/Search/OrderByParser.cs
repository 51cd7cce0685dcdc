namespace MlOps.Orleans.Catalog.Search;

/// <summary>Parses one order_by entry: an identifier, then an optional ASC or DESC, then nothing.</summary>
internal static class OrderByParser
{
    public static OrderClause Parse(string? orderBy, SearchDialect dialect)
    {
        var tokens = new SearchTokenizer(orderBy ?? string.Empty, "order_by");
        if (tokens.Peek().Kind == TokenKind.End)
        {
            throw tokens.Error(1, "empty order_by clause: expected an identifier such as start_time or metrics.<key>");
        }

        var identifier = IdentifierReader.Read(tokens);
        var rule = dialect.Resolve(identifier, tokens);
        var next = tokens.Next();
        var descending = next.IsKeyword("DESC");
        if (descending || next.IsKeyword("ASC"))
        {
            next = tokens.Next();
        }

        if (next.Kind != TokenKind.End)
        {
            throw tokens.Error(next.Position,
                $"expected ASC, DESC or the end after '{identifier.Display}', found {next.Describe()}");
        }

        return new OrderClause(rule.Kind, rule.Key, descending);
    }
}
