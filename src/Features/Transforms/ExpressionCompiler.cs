using System.Globalization;
using NCalc;

namespace MlOps.Orleans.Features.Transforms;

/// <summary>
/// Turns NCalc's syntax tree into a tree of typed closures. NCalc is used only as a parser: its own evaluator resolves
/// functions and parameters dynamically and coerces types loosely, whereas here every name, function and operand type is
/// checked once at compile time, and evaluation touches nothing but the row's inputs.
/// </summary>
internal sealed class ExpressionCompiler(IReadOnlyDictionary<string, (int Index, ExprType Type)> slots)
{
    /// <summary>Expressions longer than this are refused before parsing: they are not hand-written feature logic.</summary>
    public const int MaxLength = 4096;

    /// <summary>Deeper trees are refused so that compiling and evaluating never risk the stack.</summary>
    public const int MaxDepth = 128;

    private static readonly LogicalExpressionParserOptions ParserOptions = new()
    {
        IntegerNumberType = IntegerNumberType.Int64,
        FloatingPointNumberType = FloatingPointNumberType.Double,
        ArgumentSeparator = ArgumentSeparator.Comma,
        AllowCharValues = false,
    };

    public static LogicalExpression Parse(string expression)
    {
        if (string.IsNullOrWhiteSpace(expression))
        {
            throw new ExpressionException("the expression is empty");
        }
        if (expression.Length > MaxLength)
        {
            throw new ExpressionException($"the expression is {expression.Length} characters long; at most {MaxLength} are allowed");
        }
        try
        {
            return LogicalExpressionParser.Parse(expression, ParserOptions, CultureInfo.InvariantCulture, CancellationToken.None);
        }
        catch (Exception e)
        {
            // NCalc reports most syntax errors as NCalcParserException, but some operator sequences as other exceptions.
            throw new ExpressionException($"syntax error: {e.Message}");
        }
    }

    /// <summary>Every input identifier the expression names (function names excluded), in order of appearance.</summary>
    public static void CollectIdentifiers(LogicalExpression expression, ICollection<string> into, int depth = 0)
    {
        if (depth > MaxDepth)
        {
            throw new ExpressionException($"the expression is nested more than {MaxDepth} levels deep");
        }
        switch (expression)
        {
            case Identifier id when !IsNullLiteral(id.Name):
                into.Add(id.Name);
                break;
            case UnaryExpression u:
                CollectIdentifiers(u.Expression, into, depth + 1);
                break;
            case BinaryExpression b:
                CollectIdentifiers(b.LeftExpression, into, depth + 1);
                CollectIdentifiers(b.RightExpression, into, depth + 1);
                break;
            case TernaryExpression t:
                CollectIdentifiers(t.LeftExpression, into, depth + 1);
                CollectIdentifiers(t.MiddleExpression, into, depth + 1);
                CollectIdentifiers(t.RightExpression, into, depth + 1);
                break;
            case Function f:
                foreach (var p in f.Parameters)
                {
                    CollectIdentifiers(p, into, depth + 1);
                }
                break;
            case LogicalExpressionList list:
                foreach (var item in list)
                {
                    CollectIdentifiers(item, into, depth + 1);
                }
                break;
        }
    }

    public TypedNode Compile(LogicalExpression expression) => Node(expression, 0);

    private static bool IsNullLiteral(string name) => string.Equals(name, "null", StringComparison.OrdinalIgnoreCase);

    private TypedNode Node(LogicalExpression expression, int depth)
    {
        if (depth > MaxDepth)
        {
            throw new ExpressionException($"the expression is nested more than {MaxDepth} levels deep");
        }
        return expression switch
        {
            ValueExpression v => Literal(v),
            Identifier id => Input(id.Name),
            UnaryExpression u => Operators.Unary(u.Type, Node(u.Expression, depth + 1)),
            BinaryExpression { Type: BinaryExpressionType.In or BinaryExpressionType.NotIn } b => Membership(b, depth),
            BinaryExpression b => Operators.Binary(b.Type, Node(b.LeftExpression, depth + 1), Node(b.RightExpression, depth + 1)),
            TernaryExpression t => NodeBuilders.Conditional(
                Node(t.LeftExpression, depth + 1), Node(t.MiddleExpression, depth + 1), Node(t.RightExpression, depth + 1)),
            Function f => Functions.Compile(f.Identifier.Name, f.Parameters.Select(p => Node(p, depth + 1)).ToList()),
            LogicalExpressionList => throw new ExpressionException("a parenthesised list is only allowed after 'in'"),
            _ => throw new ExpressionException($"unsupported construct {expression.GetType().Name}"),
        };
    }

    private TypedNode Membership(BinaryExpression b, int depth)
    {
        if (b.RightExpression is not LogicalExpressionList list)
        {
            throw new ExpressionException("'in' must be followed by a parenthesised list, e.g. x in (1, 2, 3)");
        }
        var items = list.Select(item => Node(item, depth + 2)).ToList();
        return Comparisons.In(Node(b.LeftExpression, depth + 1), items, b.Type == BinaryExpressionType.NotIn);
    }

    private TypedNode Input(string name)
    {
        if (IsNullLiteral(name))
        {
            return NodeBuilders.Constant(ExprType.Null, Scalar.Null);
        }
        // Every identifier was resolved to a slot before compiling; a miss here is a bug, not user input.
        var (index, type) = slots[name];
        return new(type, inputs => ValueConversion.Read(inputs[index], type));
    }

    private static TypedNode Literal(ValueExpression value) => value.Value switch
    {
        long l => NodeBuilders.Constant(ExprType.Int, Scalar.FromLong(l)),
        int i => NodeBuilders.Constant(ExprType.Int, Scalar.FromLong(i)),
        double d when double.IsFinite(d) => NodeBuilders.Constant(ExprType.Float, Scalar.FromDouble(d)),
        decimal m => NodeBuilders.Constant(ExprType.Float, Scalar.FromDouble((double)m)),
        bool b => NodeBuilders.Constant(ExprType.Bool, Scalar.FromBool(b)),
        string s => NodeBuilders.Constant(ExprType.String, Scalar.FromRef(s)),
        char c => NodeBuilders.Constant(ExprType.String, Scalar.FromRef(c.ToString())),
        double => throw new ExpressionException("a numeric literal is out of range"),
        _ => throw new ExpressionException(
            $"{value.Type} literals are not supported; use numbers, 'strings', true, false or null"),
    };
}
