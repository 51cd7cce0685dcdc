namespace MlOps.Orleans.Catalog.Search;

/// <summary>
/// Recursive descent over <c>clause (AND clause)*</c>. MLflow has no OR and no grouping, so anything but AND
/// between clauses is an error rather than something to guess at.
/// </summary>
internal sealed class FilterClauseParser
{
    private readonly SearchTokenizer _tokens;
    private readonly SearchDialect _dialect;

    private FilterClauseParser(string filter, SearchDialect dialect)
    {
        _tokens = new SearchTokenizer(filter, "filter");
        _dialect = dialect;
    }

    public static IReadOnlyList<FilterClause> Parse(string? filter, SearchDialect dialect) =>
        string.IsNullOrWhiteSpace(filter) ? [] : new FilterClauseParser(filter, dialect).ParseClauses();

    private FilterClause[] ParseClauses()
    {
        var clauses = new List<FilterClause>();
        while (true)
        {
            var clause = ParseClause();
            clauses.Add(clause);
            var next = _tokens.Next();
            if (next.Kind == TokenKind.End)
            {
                return [.. clauses];
            }

            if (next.IsKeyword("OR"))
            {
                throw _tokens.Error(next.Position, "OR is not supported; clauses can only be joined with AND");
            }

            if (!next.IsKeyword("AND"))
            {
                throw _tokens.Error(next.Position,
                    $"expected AND or the end of the filter after the clause at position {clause.Position}, found {next.Describe()}");
            }
        }
    }

    private FilterClause ParseClause()
    {
        var start = _tokens.Peek();
        if (start.Kind == TokenKind.End || start.IsKeyword("AND"))
        {
            throw _tokens.Error(start.Position, $"empty clause: expected an identifier, found {start.Describe()}");
        }

        if (start.IsKeyword("OR"))
        {
            throw _tokens.Error(start.Position, "OR is not supported; clauses can only be joined with AND");
        }

        if (start.Kind == TokenKind.OpenParen)
        {
            throw _tokens.Error(start.Position, "parentheses are not supported; write clauses joined with AND");
        }

        var identifier = IdentifierReader.Read(_tokens);
        var rule = _dialect.Resolve(identifier, _tokens);
        var comparatorToken = _tokens.Peek();
        var comparator = ReadComparator(identifier);
        if (!rule.Comparators.Contains(comparator))
        {
            throw _tokens.Error(comparatorToken.Position, DisallowedComparator(rule, comparator));
        }

        var value = comparator is Comparator.In or Comparator.NotIn ? ReadList(rule, comparator) : ReadScalar(rule);
        return new FilterClause(rule.Kind, rule.Key, comparator, value, identifier.Position);
    }

    private Comparator ReadComparator(RawIdentifier identifier)
    {
        var token = _tokens.Next();
        if (token.Kind == TokenKind.Operator)
        {
            return ComparatorSyntax.TryParseOperator(token.Text, out var op)
                ? op
                : throw _tokens.Error(token.Position,
                    $"unsupported comparator '{token.Text}'; use one of {ComparatorSyntax.AllSpellings}");
        }

        if (token.IsKeyword("LIKE"))
        {
            return Comparator.Like;
        }

        if (token.IsKeyword("ILIKE"))
        {
            return Comparator.ILike;
        }

        if (token.IsKeyword("IN"))
        {
            return Comparator.In;
        }

        if (token.IsKeyword("NOT"))
        {
            var inToken = _tokens.Next();
            return inToken.IsKeyword("IN")
                ? Comparator.NotIn
                : throw _tokens.Error(inToken.Position, $"expected IN after NOT, found {inToken.Describe()}");
        }

        throw _tokens.Error(token.Position,
            $"expected a comparator after '{identifier.Display}', found {token.Describe()}");
    }

    private static string DisallowedComparator(FieldRule rule, Comparator comparator)
    {
        var message = $"comparator '{ComparatorSyntax.Spell(comparator)}' is not allowed for {rule.Noun} '{rule.Key}'; " +
            $"allowed: {ComparatorSyntax.SpellAll(rule.Comparators)}";
        var listOnString = comparator is Comparator.In or Comparator.NotIn && rule is { Kind: EntityKind.Attribute, IsNumeric: false };
        return listOnString ? message + " (IN and NOT IN apply only to run_id)" : message;
    }

    private FilterValue ReadScalar(FieldRule rule)
    {
        var token = _tokens.Next();
        if (rule.IsNumeric)
        {
            if (token.Kind == TokenKind.Word && NumberLiteral.TryParse(token.Text, out var number))
            {
                return FilterValue.Of(number);
            }

            var found = token.IsQuotedString ? $"the string {token.Text}" : token.Describe();
            throw _tokens.Error(token.Position, $"{rule.Noun} '{rule.Key}' must be compared with a number, found {found}");
        }

        if (token.IsQuotedString)
        {
            return FilterValue.Of(token.Value);
        }

        var hint = token.Kind == TokenKind.Backticked ? " (backticks quote keys; quote values with ' or \")" : string.Empty;
        throw _tokens.Error(token.Position,
            $"{rule.Noun} '{rule.Key}' must be compared with a quoted string, found {token.Describe()}{hint}");
    }

    private FilterValue ReadList(FieldRule rule, Comparator comparator)
    {
        var open = _tokens.Next();
        if (open.Kind != TokenKind.OpenParen)
        {
            throw _tokens.Error(open.Position,
                $"{ComparatorSyntax.Spell(comparator)} on {rule.Noun} '{rule.Key}' needs a parenthesised list of quoted strings such as ('a', 'b'), found {open.Describe()}");
        }

        var items = new List<string>();
        while (true)
        {
            var item = _tokens.Next();
            if (!item.IsQuotedString)
            {
                throw _tokens.Error(item.Position, $"expected a quoted string in the list, found {item.Describe()}");
            }

            items.Add(item.Value);
            var separator = _tokens.Next();
            if (separator.Kind == TokenKind.CloseParen)
            {
                return FilterValue.Of(items.ToArray());
            }

            if (separator.Kind != TokenKind.Comma)
            {
                throw _tokens.Error(separator.Position, $"expected ',' or ')' in the list, found {separator.Describe()}");
            }
        }
    }
}
