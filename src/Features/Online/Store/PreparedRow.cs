namespace MlOps.Orleans.Features.Online.Store;

/// <summary>One encoded row ready for a backend: what newest-wins compares and when the row expires.</summary>
/// <param name="ExpiresAtMs">Unix milliseconds after which the row is gone; <see cref="Never"/> for views without a ttl.</param>
internal readonly record struct PreparedRow(string EntityKey, byte[] Value, long EventTicks, long CreatedTicks, long ExpiresAtMs)
{
    public const long Never = long.MaxValue;
}
