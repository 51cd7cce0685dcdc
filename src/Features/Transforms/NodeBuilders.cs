namespace MlOps.Orleans.Features.Transforms;

/// <summary>Small combinators shared by operators and functions: null propagation, numeric promotion, type unification.</summary>
internal static class NodeBuilders
{
    public static TypedNode Constant(ExprType type, Scalar value) => new(type, _ => value);

    /// <summary>Reads an int node as float so mixed arithmetic has one code path; floats pass through.</summary>
    public static TypedNode AsFloat(TypedNode node)
    {
        if (node.Type != ExprType.Int)
        {
            return node;
        }
        var eval = node.Eval;
        return new(ExprType.Float, inputs =>
        {
            var v = eval(inputs);
            return v.HasValue ? Scalar.FromDouble(v.Long) : Scalar.Null;
        });
    }

    /// <summary>Reads a numeric node as a double, for functions that are defined on floats only.</summary>
    public static double Number(Scalar value, ExprType type) => type == ExprType.Int ? value.Long : value.Double;

    /// <summary>A unary function of a non-null argument; a null argument gives null.</summary>
    public static TypedNode Map(TypedNode arg, ExprType resultType, Func<Scalar, Scalar> map)
    {
        var eval = arg.Eval;
        return new(resultType, inputs =>
        {
            var v = eval(inputs);
            return v.HasValue ? map(v) : Scalar.Null;
        });
    }

    /// <summary>A binary function of non-null arguments; a null argument gives null (the right side is then not evaluated).</summary>
    public static TypedNode Map2(TypedNode left, TypedNode right, ExprType resultType, Func<Scalar, Scalar, Scalar> map)
    {
        var l = left.Eval;
        var r = right.Eval;
        return new(resultType, inputs =>
        {
            var a = l(inputs);
            if (!a.HasValue)
            {
                return Scalar.Null;
            }
            var b = r(inputs);
            return b.HasValue ? map(a, b) : Scalar.Null;
        });
    }

    /// <summary>
    /// The one type that values of both types can take: equal types, int widening to float, and the null literal fitting
    /// anything. Used by if/ternary branches, ifnull/coalesce and min/max.
    /// </summary>
    public static ExprType Unify(ExprType a, ExprType b, string what)
    {
        if (a == b || b == ExprType.Null)
        {
            return a;
        }
        if (a == ExprType.Null)
        {
            return b;
        }
        if (ExprTypes.IsNumeric(a) && ExprTypes.IsNumeric(b))
        {
            return ExprType.Float;
        }
        throw new ExpressionException($"{what} mixes {ExprTypes.Name(a)} and {ExprTypes.Name(b)}");
    }

    /// <summary>Brings a node to a unified type (only int to float ever needs work; the null literal already is null).</summary>
    public static TypedNode Coerce(TypedNode node, ExprType to) =>
        to == ExprType.Float && node.Type == ExprType.Int ? AsFloat(node) : node with { Type = to };

    public static void RequireValue(TypedNode node, string what)
    {
        if (node.Type == ExprType.Null)
        {
            throw new ExpressionException($"{what} is always null; test for null with isnull(x) or replace it with ifnull(x, d)");
        }
    }

    public static void Require(TypedNode node, ExprType type, string what)
    {
        RequireValue(node, what);
        if (node.Type != type)
        {
            throw new ExpressionException($"{what} must be {ExprTypes.Name(type)}, not {ExprTypes.Name(node.Type)}");
        }
    }

    public static void RequireNumeric(TypedNode node, string what)
    {
        RequireValue(node, what);
        if (!ExprTypes.IsNumeric(node.Type))
        {
            throw new ExpressionException($"{what} must be a number, not {ExprTypes.Name(node.Type)}");
        }
    }

    /// <summary>Picks the first non-null value, evaluating later nodes only when needed.</summary>
    public static TypedNode FirstNonNull(IReadOnlyList<TypedNode> nodes, string what)
    {
        var type = ExprType.Null;
        foreach (var n in nodes)
        {
            type = Unify(type, n.Type, what);
        }
        var evals = nodes.Select(n => Coerce(n, type).Eval).ToArray();
        return new(type, inputs =>
        {
            foreach (var e in evals)
            {
                var v = e(inputs);
                if (v.HasValue)
                {
                    return v;
                }
            }
            return Scalar.Null;
        });
    }

    /// <summary>
    /// SQL-like conditional: a null condition takes the else branch, as SQL's CASE WHEN and NCalc's own if() do.
    /// </summary>
    public static TypedNode Conditional(TypedNode condition, TypedNode whenTrue, TypedNode whenFalse)
    {
        Require(condition, ExprType.Bool, "the condition");
        var type = Unify(whenTrue.Type, whenFalse.Type, "the branches of a conditional");
        if (type == ExprType.Null)
        {
            throw new ExpressionException("both branches of a conditional are null");
        }
        var c = condition.Eval;
        var t = Coerce(whenTrue, type).Eval;
        var f = Coerce(whenFalse, type).Eval;
        return new(type, inputs =>
        {
            var v = c(inputs);
            return v.HasValue && v.Bool ? t(inputs) : f(inputs);
        });
    }
}
