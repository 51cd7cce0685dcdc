using NCalc;

namespace MlOps.Orleans.Features.Transforms;

/// <summary>
/// Typing and compiling of NCalc's unary and binary operators. Only operators with an unsurprising meaning on feature values
/// are kept; bitwise, shift, factorial and LIKE are refused at compile time rather than given half-defined semantics.
/// </summary>
internal static class Operators
{
    public static TypedNode Unary(UnaryExpressionType op, TypedNode operand)
    {
        switch (op)
        {
            case UnaryExpressionType.Not:
                NodeBuilders.Require(operand, ExprType.Bool, "the operand of 'not'");
                return NodeBuilders.Map(operand, ExprType.Bool, v => Scalar.FromBool(!v.Bool));
            case UnaryExpressionType.Negate:
                NodeBuilders.RequireNumeric(operand, "the operand of '-'");
                return operand.Type == ExprType.Int
                    ? NodeBuilders.Map(operand, ExprType.Int, v => IntegerMath.Negate(v.Long))
                    : NodeBuilders.Map(operand, ExprType.Float, v => Scalar.FromDouble(-v.Double));
            case UnaryExpressionType.Positive:
                NodeBuilders.RequireNumeric(operand, "the operand of '+'");
                return operand;
            default:
                throw new ExpressionException($"operator '{UnaryName(op)}' is not supported");
        }
    }

    public static TypedNode Binary(BinaryExpressionType op, TypedNode left, TypedNode right) => op switch
    {
        BinaryExpressionType.And => And(left, right),
        BinaryExpressionType.Or => Or(left, right),
        BinaryExpressionType.Coalesce => NodeBuilders.FirstNonNull([left, right], "'??'"),
        BinaryExpressionType.Equal => Comparisons.Equality(left, right, negate: false),
        BinaryExpressionType.NotEqual => Comparisons.Equality(left, right, negate: true),
        BinaryExpressionType.Lesser => Comparisons.Order(left, right, "<", c => c < 0),
        BinaryExpressionType.LesserOrEqual => Comparisons.Order(left, right, "<=", c => c <= 0),
        BinaryExpressionType.Greater => Comparisons.Order(left, right, ">", c => c > 0),
        BinaryExpressionType.GreaterOrEqual => Comparisons.Order(left, right, ">=", c => c >= 0),
        BinaryExpressionType.Plus => Plus(left, right),
        BinaryExpressionType.Minus => Minus(left, right),
        BinaryExpressionType.Times => Arithmetic(left, right, "*", IntegerMath.Multiply, (a, b) => a * b),
        BinaryExpressionType.Div => Divide(left, right),
        BinaryExpressionType.Modulo => Arithmetic(left, right, "%", IntegerMath.Remainder, (a, b) => b == 0 ? double.NaN : a % b),
        BinaryExpressionType.Exponentiation => Pow(left, right, "'**'"),
        _ => throw new ExpressionException($"operator '{BinaryName(op)}' is not supported"),
    };

    public static TypedNode Pow(TypedNode left, TypedNode right, string what)
    {
        NodeBuilders.RequireNumeric(left, $"the base of {what}");
        NodeBuilders.RequireNumeric(right, $"the exponent of {what}");
        return NodeBuilders.Map2(NodeBuilders.AsFloat(left), NodeBuilders.AsFloat(right), ExprType.Float,
            (a, b) => Scalar.FromDouble(Math.Pow(a.Double, b.Double)));
    }

    /// <summary>Three-valued AND as in SQL: false wins over null, so <c>x &gt; 1 and isnull(y)</c> behaves as users expect.</summary>
    private static TypedNode And(TypedNode left, TypedNode right)
    {
        NodeBuilders.Require(left, ExprType.Bool, "the left operand of 'and'");
        NodeBuilders.Require(right, ExprType.Bool, "the right operand of 'and'");
        var l = left.Eval;
        var r = right.Eval;
        return new(ExprType.Bool, inputs =>
        {
            var a = l(inputs);
            if (a.HasValue && !a.Bool)
            {
                return a;
            }
            var b = r(inputs);
            if (b.HasValue && !b.Bool)
            {
                return b;
            }
            return a.HasValue && b.HasValue ? Scalar.FromBool(true) : Scalar.Null;
        });
    }

    /// <summary>Three-valued OR as in SQL: true wins over null.</summary>
    private static TypedNode Or(TypedNode left, TypedNode right)
    {
        NodeBuilders.Require(left, ExprType.Bool, "the left operand of 'or'");
        NodeBuilders.Require(right, ExprType.Bool, "the right operand of 'or'");
        var l = left.Eval;
        var r = right.Eval;
        return new(ExprType.Bool, inputs =>
        {
            var a = l(inputs);
            if (a.HasValue && a.Bool)
            {
                return a;
            }
            var b = r(inputs);
            if (b.HasValue && b.Bool)
            {
                return b;
            }
            return a.HasValue && b.HasValue ? Scalar.FromBool(false) : Scalar.Null;
        });
    }

    private static TypedNode Plus(TypedNode left, TypedNode right)
    {
        if (left.Type == ExprType.String && right.Type == ExprType.String)
        {
            return NodeBuilders.Map2(left, right, ExprType.String, (a, b) => Scalar.FromRef(a.String + b.String));
        }
        return Arithmetic(left, right, "+", IntegerMath.Add, (a, b) => a + b);
    }

    /// <summary>Timestamp minus timestamp is the difference in seconds, the usual "age" feature.</summary>
    private static TypedNode Minus(TypedNode left, TypedNode right)
    {
        if (left.Type == ExprType.Timestamp && right.Type == ExprType.Timestamp)
        {
            return NodeBuilders.Map2(left, right, ExprType.Float,
                (a, b) => Scalar.FromDouble((a.Long - b.Long) / (double)TimeSpan.TicksPerSecond));
        }
        return Arithmetic(left, right, "-", IntegerMath.Subtract, (a, b) => a - b);
    }

    /// <summary>'/' always divides as floats (as DuckDB and Python 3 do), so 1 / 2 is 0.5 offline and online; by zero gives null.</summary>
    private static TypedNode Divide(TypedNode left, TypedNode right)
    {
        NodeBuilders.RequireNumeric(left, "the left operand of '/'");
        NodeBuilders.RequireNumeric(right, "the right operand of '/'");
        return NodeBuilders.Map2(NodeBuilders.AsFloat(left), NodeBuilders.AsFloat(right), ExprType.Float,
            (a, b) => b.Double == 0 ? Scalar.Null : Scalar.FromDouble(a.Double / b.Double));
    }

    private static TypedNode Arithmetic(
        TypedNode left, TypedNode right, string symbol, Func<long, long, Scalar> onInts, Func<double, double, double> onFloats)
    {
        NodeBuilders.RequireNumeric(left, $"the left operand of '{symbol}'");
        NodeBuilders.RequireNumeric(right, $"the right operand of '{symbol}'");
        if (left.Type == ExprType.Int && right.Type == ExprType.Int)
        {
            return NodeBuilders.Map2(left, right, ExprType.Int, (a, b) => onInts(a.Long, b.Long));
        }
        return NodeBuilders.Map2(NodeBuilders.AsFloat(left), NodeBuilders.AsFloat(right), ExprType.Float,
            (a, b) => Scalar.FromDouble(onFloats(a.Double, b.Double)));
    }

    private static string UnaryName(UnaryExpressionType op) => op switch
    {
        UnaryExpressionType.BitwiseNot => "~",
        UnaryExpressionType.Factorial => "!",
        _ => op.ToString(),
    };

    private static string BinaryName(BinaryExpressionType op) => op switch
    {
        BinaryExpressionType.BitwiseAnd => "&",
        BinaryExpressionType.BitwiseOr => "|",
        BinaryExpressionType.BitwiseXOr => "^",
        BinaryExpressionType.LeftShift => "<<",
        BinaryExpressionType.RightShift => ">>",
        BinaryExpressionType.Like => "like",
        BinaryExpressionType.NotLike => "not like",
        _ => op.ToString(),
    };
}
