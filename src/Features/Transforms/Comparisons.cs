namespace MlOps.Orleans.Features.Transforms;

/// <summary>
/// Equality, ordering and membership. A comparison with a null operand is null (SQL semantics); comparing with the literal
/// <c>null</c> is refused at compile time because it can never be true, which is almost always a mistake for isnull(x).
/// </summary>
internal static class Comparisons
{
    private static readonly Func<Scalar, Scalar, bool> FloatEquals = static (a, b) => a.Double == b.Double;

    public static TypedNode Equality(TypedNode left, TypedNode right, bool negate)
    {
        var equals = EqualityOf(left, right, negate ? "'!='" : "'=='");
        return NodeBuilders.Map2(Promote(left, right), Promote(right, left), ExprType.Bool,
            (a, b) => Scalar.FromBool(equals(a, b) != negate));
    }

    public static TypedNode Order(TypedNode left, TypedNode right, string symbol, Func<int, bool> test)
    {
        var what = $"'{symbol}'";
        NodeBuilders.RequireValue(left, $"the left operand of {what}");
        NodeBuilders.RequireValue(right, $"the right operand of {what}");
        Func<Scalar, Scalar, int> compare = (left.Type, right.Type) switch
        {
            (ExprType.Int, ExprType.Int) or (ExprType.Timestamp, ExprType.Timestamp) => static (a, b) => a.Long.CompareTo(b.Long),
            (ExprType.String, ExprType.String) => static (a, b) => string.CompareOrdinal(a.String, b.String),
            _ when ExprTypes.IsNumeric(left.Type) && ExprTypes.IsNumeric(right.Type) => static (a, b) => a.Double.CompareTo(b.Double),
            _ => throw new ExpressionException(
                $"{what} cannot compare {ExprTypes.Name(left.Type)} with {ExprTypes.Name(right.Type)}"),
        };
        return NodeBuilders.Map2(Promote(left, right), Promote(right, left), ExprType.Bool,
            (a, b) => Scalar.FromBool(test(compare(a, b))));
    }

    /// <summary><c>x in (a, b, c)</c>: true when x equals one of the items; null when x is null.</summary>
    public static TypedNode In(TypedNode value, IReadOnlyList<TypedNode> items, bool negate)
    {
        var what = negate ? "'not in'" : "'in'";
        if (items.Count == 0)
        {
            throw new ExpressionException($"the list of {what} is empty");
        }
        // Mixed ints and floats all compare as floats, so 2 in (2.0) holds as 2 == 2.0 does.
        var asFloat = ExprTypes.IsNumeric(value.Type)
            && (value.Type == ExprType.Float || items.Any(i => i.Type == ExprType.Float));
        var tests = items
            .Select(item =>
            {
                var equals = EqualityOf(value, item, what); // also refuses items of a type x cannot equal
                return asFloat
                    ? (Eval: NodeBuilders.AsFloat(item).Eval, Test: FloatEquals)
                    : (Eval: item.Eval, Test: equals);
            })
            .ToArray();
        var read = (asFloat ? NodeBuilders.AsFloat(value) : value).Eval;
        return new(ExprType.Bool, inputs =>
        {
            var v = read(inputs);
            if (!v.HasValue)
            {
                return Scalar.Null;
            }
            foreach (var (eval, equals) in tests)
            {
                var item = eval(inputs);
                if (item.HasValue && equals(v, item))
                {
                    return Scalar.FromBool(!negate);
                }
            }
            return Scalar.FromBool(negate);
        });
    }

    /// <summary>An int operand compared with a float one is read as a float.</summary>
    private static TypedNode Promote(TypedNode node, TypedNode other) =>
        node.Type == ExprType.Int && other.Type == ExprType.Float ? NodeBuilders.AsFloat(node) : node;

    private static Func<Scalar, Scalar, bool> EqualityOf(TypedNode left, TypedNode right, string what)
    {
        NodeBuilders.RequireValue(left, $"the left operand of {what}");
        NodeBuilders.RequireValue(right, $"the right operand of {what}");
        return (left.Type, right.Type) switch
        {
            (ExprType.Int, ExprType.Int) or (ExprType.Bool, ExprType.Bool) or (ExprType.Timestamp, ExprType.Timestamp) =>
                static (a, b) => a.Long == b.Long,
            (ExprType.String, ExprType.String) => static (a, b) => string.Equals(a.String, b.String, StringComparison.Ordinal),
            (ExprType.Bytes, ExprType.Bytes) => static (a, b) => ((byte[])a.Ref!).AsSpan().SequenceEqual((byte[])b.Ref!),
            _ when ExprTypes.IsNumeric(left.Type) && ExprTypes.IsNumeric(right.Type) =>
                static (a, b) => a.Double == b.Double,
            _ => throw new ExpressionException(
                $"{what} cannot compare {ExprTypes.Name(left.Type)} with {ExprTypes.Name(right.Type)}"),
        };
    }
}
