using System.Runtime.InteropServices;

namespace MlOps.Orleans.Features.Transforms;

/// <summary>
/// One intermediate value. A struct rather than a boxed object so evaluating a row allocates nothing until the outputs are
/// boxed. Which field is meaningful follows from the node's static <see cref="ExprType"/>: integers, booleans (0/1) and
/// timestamps (UTC ticks) use <see cref="Long"/>, floats <see cref="Double"/>, strings and bytes <see cref="Ref"/>.
/// </summary>
[StructLayout(LayoutKind.Auto)]
internal readonly struct Scalar
{
    private Scalar(long l, double d, object? r)
    {
        HasValue = true;
        Long = l;
        Double = d;
        Ref = r;
    }

    public bool HasValue { get; }

    public long Long { get; }

    public double Double { get; }

    public object? Ref { get; }

    public bool Bool => Long != 0;

    public string String => (string)Ref!;

    public static Scalar Null => default;

    public static Scalar FromLong(long value) => new(value, 0, null);

    /// <summary>There is no NaN or infinity in expressions: an operation that would produce one produces null.</summary>
    public static Scalar FromDouble(double value) => double.IsFinite(value) ? new(0, value, null) : default;

    public static Scalar FromBool(bool value) => new(value ? 1 : 0, 0, null);

    public static Scalar FromTicks(long utcTicks) => new(utcTicks, 0, null);

    public static Scalar FromRef(object? value) => value is null ? default : new(0, 0, value);
}
