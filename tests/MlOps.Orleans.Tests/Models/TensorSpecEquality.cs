using MlOps.Orleans.Models;

namespace MlOps.Orleans.Tests.Models;

/// <summary>Compares tensor specs by value; the record's own equality compares shape lists by reference.</summary>
internal sealed class TensorSpecEquality : IEqualityComparer<TensorSpec>
{
    public static readonly TensorSpecEquality Instance = new();

    public bool Equals(TensorSpec? x, TensorSpec? y) =>
        x is not null && y is not null && x.Name == y.Name && x.ElementType == y.ElementType && x.Shape.SequenceEqual(y.Shape);

    public int GetHashCode(TensorSpec obj) => obj.Name.GetHashCode(StringComparison.Ordinal);
}
