using System.Collections.Frozen;

namespace MlOps.Orleans.Features.Transforms;

/// <summary>
/// The closed set of functions an expression may call. Nothing here reaches beyond its arguments: no clock, no randomness,
/// no I/O and no reflection, so a view computes the same outputs offline and online for the same inputs. Names are matched
/// case-insensitively (NCalc's own built-ins are capitalised, users tend to write lower case).
/// </summary>
internal static class Functions
{
    private delegate TypedNode Builder(string name, IReadOnlyList<TypedNode> args);

    private static readonly FrozenDictionary<string, Builder> Table = new Dictionary<string, Builder>
    {
        ["if"] = (n, a) => Arity(n, a, 3, 3, () => NodeBuilders.Conditional(a[0], a[1], a[2])),
        ["ifnull"] = (n, a) => Arity(n, a, 2, 2, () => NodeBuilders.FirstNonNull(a, "ifnull()")),
        ["coalesce"] = (n, a) => Arity(n, a, 1, 64, () => NodeBuilders.FirstNonNull(a, "coalesce()")),
        ["isnull"] = (n, a) => Arity(n, a, 1, 1, () => IsNull(a[0])),
        ["abs"] = (n, a) => Arity(n, a, 1, 1, () => Abs(a[0])),
        ["sign"] = (n, a) => Arity(n, a, 1, 1, () => Sign(a[0])),
        ["min"] = (n, a) => Arity(n, a, 2, 64, () => Extreme(a, "min()", wantGreater: false)),
        ["max"] = (n, a) => Arity(n, a, 2, 64, () => Extreme(a, "max()", wantGreater: true)),
        ["round"] = (n, a) => Arity(n, a, 1, 2, () => Round(a)),
        ["floor"] = (n, a) => Arity(n, a, 1, 1, () => Rounding(a[0], "floor()", Math.Floor)),
        ["ceiling"] = (n, a) => Arity(n, a, 1, 1, () => Rounding(a[0], "ceiling()", Math.Ceiling)),
        ["ceil"] = (n, a) => Arity(n, a, 1, 1, () => Rounding(a[0], "ceil()", Math.Ceiling)),
        ["truncate"] = (n, a) => Arity(n, a, 1, 1, () => Rounding(a[0], "truncate()", Math.Truncate)),
        ["sqrt"] = (n, a) => Arity(n, a, 1, 1, () => FloatFunction(a[0], "sqrt()", Math.Sqrt)),
        ["exp"] = (n, a) => Arity(n, a, 1, 1, () => FloatFunction(a[0], "exp()", Math.Exp)),
        ["log10"] = (n, a) => Arity(n, a, 1, 1, () => FloatFunction(a[0], "log10()", Math.Log10)),
        ["log"] = (n, a) => Arity(n, a, 1, 2, () => Log(a)),
        ["pow"] = (n, a) => Arity(n, a, 2, 2, () => Operators.Pow(a[0], a[1], "pow()")),
        ["len"] = (n, a) => Arity(n, a, 1, 1, () => Length(a[0])),
        ["lower"] = (n, a) => Arity(n, a, 1, 1, () => StringFunction(a[0], "lower()", s => s.ToLowerInvariant())),
        ["upper"] = (n, a) => Arity(n, a, 1, 1, () => StringFunction(a[0], "upper()", s => s.ToUpperInvariant())),
        ["trim"] = (n, a) => Arity(n, a, 1, 1, () => StringFunction(a[0], "trim()", s => s.Trim())),
        ["contains"] = (n, a) => Arity(n, a, 2, 2, () => StringTest(a, "contains()", (s, p) => s.Contains(p, StringComparison.Ordinal))),
        ["starts_with"] = (n, a) => Arity(n, a, 2, 2, () => StringTest(a, "starts_with()", (s, p) => s.StartsWith(p, StringComparison.Ordinal))),
        ["ends_with"] = (n, a) => Arity(n, a, 2, 2, () => StringTest(a, "ends_with()", (s, p) => s.EndsWith(p, StringComparison.Ordinal))),
        ["concat"] = (n, a) => Arity(n, a, 1, 64, () => Concat(a)),
        ["to_string"] = (n, a) => Arity(n, a, 1, 1, () => ToStringOf(a[0])),
        ["to_int"] = (n, a) => Arity(n, a, 1, 1, () => Conversions.ToInt(a[0])),
        ["to_float"] = (n, a) => Arity(n, a, 1, 1, () => Conversions.ToFloat(a[0])),
        ["year"] = (n, a) => Arity(n, a, 1, 1, () => DatePart(a[0], "year()", t => t.Year)),
        ["month"] = (n, a) => Arity(n, a, 1, 1, () => DatePart(a[0], "month()", t => t.Month)),
        ["day"] = (n, a) => Arity(n, a, 1, 1, () => DatePart(a[0], "day()", t => t.Day)),
        ["hour"] = (n, a) => Arity(n, a, 1, 1, () => DatePart(a[0], "hour()", t => t.Hour)),
        ["minute"] = (n, a) => Arity(n, a, 1, 1, () => DatePart(a[0], "minute()", t => t.Minute)),
        ["day_of_week"] = (n, a) => Arity(n, a, 1, 1, () => DatePart(a[0], "day_of_week()", IsoDayOfWeek)),
        ["day_of_year"] = (n, a) => Arity(n, a, 1, 1, () => DatePart(a[0], "day_of_year()", t => t.DayOfYear)),
        ["epoch_seconds"] = (n, a) => Arity(n, a, 1, 1, () => DatePart(a[0], "epoch_seconds()",
            t => (long)Math.Floor((t - DateTime.UnixEpoch).Ticks / (double)TimeSpan.TicksPerSecond))),
    }.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);

    /// <summary>The callable names, for documentation and error messages.</summary>
    public static IEnumerable<string> Names => Table.Keys.Order(StringComparer.Ordinal);

    public static TypedNode Compile(string name, IReadOnlyList<TypedNode> args)
    {
        if (!Table.TryGetValue(name, out var build))
        {
            throw new ExpressionException($"unknown function '{name}'; functions are: {string.Join(", ", Names)}");
        }
        return build(name.ToLowerInvariant(), args);
    }

    private static TypedNode Arity(string name, IReadOnlyList<TypedNode> args, int min, int max, Func<TypedNode> build)
    {
        if (args.Count < min || args.Count > max)
        {
            var expected = min == max ? $"{min}" : max >= 64 ? $"at least {min}" : $"{min} to {max}";
            throw new ExpressionException($"{name}() takes {expected} argument{(max == 1 ? "" : "s")}, not {args.Count}");
        }
        return build();
    }

    private static TypedNode IsNull(TypedNode arg)
    {
        var eval = arg.Eval;
        return new(ExprType.Bool, inputs => Scalar.FromBool(!eval(inputs).HasValue));
    }

    private static TypedNode Abs(TypedNode arg)
    {
        NodeBuilders.RequireNumeric(arg, "the argument of abs()");
        return arg.Type == ExprType.Int
            ? NodeBuilders.Map(arg, ExprType.Int, v => v.Long < 0 ? IntegerMath.Negate(v.Long) : v)
            : NodeBuilders.Map(arg, ExprType.Float, v => Scalar.FromDouble(Math.Abs(v.Double)));
    }

    private static TypedNode Sign(TypedNode arg)
    {
        NodeBuilders.RequireNumeric(arg, "the argument of sign()");
        var type = arg.Type;
        return NodeBuilders.Map(arg, ExprType.Int, v => Scalar.FromLong(type == ExprType.Int ? Math.Sign(v.Long) : Math.Sign(v.Double)));
    }

    /// <summary>min()/max() of numbers, strings or timestamps; null when any argument is null, like every other operator.</summary>
    private static TypedNode Extreme(IReadOnlyList<TypedNode> args, string what, bool wantGreater)
    {
        var type = ExprType.Null;
        foreach (var a in args)
        {
            NodeBuilders.RequireValue(a, $"an argument of {what}");
            type = NodeBuilders.Unify(type, a.Type, what);
        }
        Func<Scalar, Scalar, int> compare = type switch
        {
            ExprType.Int or ExprType.Timestamp => static (a, b) => a.Long.CompareTo(b.Long),
            ExprType.Float => static (a, b) => a.Double.CompareTo(b.Double),
            ExprType.String => static (a, b) => string.CompareOrdinal(a.String, b.String),
            _ => throw new ExpressionException($"{what} needs numbers, strings or timestamps, not {ExprTypes.Name(type)}"),
        };
        var evals = args.Select(a => NodeBuilders.Coerce(a, type).Eval).ToArray();
        return new(type, inputs =>
        {
            var best = Scalar.Null;
            foreach (var e in evals)
            {
                var v = e(inputs);
                if (!v.HasValue)
                {
                    return Scalar.Null;
                }
                var order = best.HasValue ? compare(v, best) : 0;
                if (!best.HasValue || (wantGreater ? order > 0 : order < 0))
                {
                    best = v;
                }
            }
            return best;
        });
    }

    /// <summary>
    /// round(x[, digits]) rounds half away from zero, as DuckDB and most users expect (not .NET's default banker's rounding).
    /// An int stays an int; digits outside 0..15 give null.
    /// </summary>
    private static TypedNode Round(IReadOnlyList<TypedNode> args)
    {
        NodeBuilders.RequireNumeric(args[0], "the argument of round()");
        if (args.Count == 1)
        {
            return Rounding(args[0], "round()", v => Math.Round(v, MidpointRounding.AwayFromZero));
        }
        NodeBuilders.Require(args[1], ExprType.Int, "the digits of round()");
        if (args[0].Type == ExprType.Int)
        {
            return NodeBuilders.Map2(args[0], args[1], ExprType.Int, (v, _) => v);
        }
        return NodeBuilders.Map2(args[0], args[1], ExprType.Float, (v, d) => d.Long is >= 0 and <= 15
            ? Scalar.FromDouble(Math.Round(v.Double, (int)d.Long, MidpointRounding.AwayFromZero))
            : Scalar.Null);
    }

    /// <summary>floor/ceiling/truncate/round keep the type: an int is already whole, a float stays a float.</summary>
    private static TypedNode Rounding(TypedNode arg, string what, Func<double, double> op)
    {
        NodeBuilders.RequireNumeric(arg, $"the argument of {what}");
        return arg.Type == ExprType.Int ? arg : NodeBuilders.Map(arg, ExprType.Float, v => Scalar.FromDouble(op(v.Double)));
    }

    private static TypedNode FloatFunction(TypedNode arg, string what, Func<double, double> op)
    {
        NodeBuilders.RequireNumeric(arg, $"the argument of {what}");
        return NodeBuilders.Map(NodeBuilders.AsFloat(arg), ExprType.Float, v => Scalar.FromDouble(op(v.Double)));
    }

    /// <summary>log(x) is the natural logarithm; log(x, b) the logarithm in base b.</summary>
    private static TypedNode Log(IReadOnlyList<TypedNode> args)
    {
        if (args.Count == 1)
        {
            return FloatFunction(args[0], "log()", Math.Log);
        }
        NodeBuilders.RequireNumeric(args[0], "the argument of log()");
        NodeBuilders.RequireNumeric(args[1], "the base of log()");
        return NodeBuilders.Map2(NodeBuilders.AsFloat(args[0]), NodeBuilders.AsFloat(args[1]), ExprType.Float,
            (v, b) => Scalar.FromDouble(Math.Log(v.Double, b.Double)));
    }

    /// <summary>len() of a string counts UTF-16 code units (as .NET does); of bytes, bytes.</summary>
    private static TypedNode Length(TypedNode arg)
    {
        NodeBuilders.RequireValue(arg, "the argument of len()");
        return arg.Type switch
        {
            ExprType.String => NodeBuilders.Map(arg, ExprType.Int, v => Scalar.FromLong(v.String.Length)),
            ExprType.Bytes => NodeBuilders.Map(arg, ExprType.Int, v => Scalar.FromLong(((byte[])v.Ref!).Length)),
            _ => throw new ExpressionException($"len() needs a string or bytes, not {ExprTypes.Name(arg.Type)}"),
        };
    }

    private static TypedNode StringFunction(TypedNode arg, string what, Func<string, string> op)
    {
        NodeBuilders.Require(arg, ExprType.String, $"the argument of {what}");
        return NodeBuilders.Map(arg, ExprType.String, v => Scalar.FromRef(op(v.String)));
    }

    private static TypedNode StringTest(IReadOnlyList<TypedNode> args, string what, Func<string, string, bool> test)
    {
        NodeBuilders.Require(args[0], ExprType.String, $"the first argument of {what}");
        NodeBuilders.Require(args[1], ExprType.String, $"the second argument of {what}");
        return NodeBuilders.Map2(args[0], args[1], ExprType.Bool, (s, p) => Scalar.FromBool(test(s.String, p.String)));
    }

    /// <summary>concat() skips null arguments (as DuckDB's concat does), so it never returns null.</summary>
    private static TypedNode Concat(IReadOnlyList<TypedNode> args)
    {
        var parts = args.Select(a => (a.Eval, a.Type)).ToArray();
        return new(ExprType.String, inputs =>
        {
            var text = new System.Text.StringBuilder();
            foreach (var (eval, type) in parts)
            {
                var v = eval(inputs);
                if (v.HasValue)
                {
                    text.Append(ValueConversion.Format(v, type));
                }
            }
            return Scalar.FromRef(text.ToString());
        });
    }

    private static TypedNode ToStringOf(TypedNode arg)
    {
        NodeBuilders.RequireValue(arg, "the argument of to_string()");
        var type = arg.Type;
        return NodeBuilders.Map(arg, ExprType.String, v => Scalar.FromRef(ValueConversion.Format(v, type)));
    }

    private static TypedNode DatePart(TypedNode arg, string what, Func<DateTime, long> part)
    {
        NodeBuilders.Require(arg, ExprType.Timestamp, $"the argument of {what}");
        return NodeBuilders.Map(arg, ExprType.Int, v => Scalar.FromLong(part(new DateTime(v.Long, DateTimeKind.Utc))));
    }

    /// <summary>ISO day of week: Monday 1 to Sunday 7, as DuckDB's isodow, so the number does not depend on a culture.</summary>
    private static long IsoDayOfWeek(DateTime t) => t.DayOfWeek == DayOfWeek.Sunday ? 7 : (long)t.DayOfWeek;
}
