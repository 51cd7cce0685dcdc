namespace MlOps.Orleans.Features.Transforms;

/// <summary>
/// 64-bit integer arithmetic that reports overflow as null instead of wrapping or throwing: a wrapped value would be a silently
/// wrong feature, and an exception per row would be slow. Tests are branch-only, no checked context.
/// </summary>
internal static class IntegerMath
{
    public static Scalar Add(long a, long b)
    {
        var r = unchecked(a + b);
        return ((a ^ r) & (b ^ r)) < 0 ? Scalar.Null : Scalar.FromLong(r);
    }

    public static Scalar Subtract(long a, long b)
    {
        var r = unchecked(a - b);
        return ((a ^ b) & (a ^ r)) < 0 ? Scalar.Null : Scalar.FromLong(r);
    }

    public static Scalar Multiply(long a, long b)
    {
        var high = Math.BigMul(a, b, out long low);
        return high != (low >> 63) ? Scalar.Null : Scalar.FromLong(low);
    }

    public static Scalar Negate(long a) => a == long.MinValue ? Scalar.Null : Scalar.FromLong(-a);

    /// <summary>Remainder with the sign of the dividend, as in C# and DuckDB; by zero gives null.</summary>
    public static Scalar Remainder(long a, long b) => b switch
    {
        0 => Scalar.Null,
        -1 => Scalar.FromLong(0), // long.MinValue % -1 throws in .NET; the mathematical answer is 0.
        _ => Scalar.FromLong(a % b),
    };
}
