using System.IO.Hashing;
using System.Text;

namespace MlOps.Orleans.Contracts.Features.Online;

/// <summary>Which shard grain owns an entity key: a stable hash of the encoded key, so every silo routes a key the same way.</summary>
public static class OnlineShards
{
    public static int ShardOf(string entityKey, int shardCount)
    {
        Span<byte> buffer = stackalloc byte[256];
        var bytes = Encoding.UTF8.GetByteCount(entityKey) <= buffer.Length ? buffer[..Encoding.UTF8.GetBytes(entityKey, buffer)] : Encoding.UTF8.GetBytes(entityKey);
        return (int)(XxHash32.HashToUInt32(bytes) % (uint)shardCount);
    }

    /// <summary>The shard grain's key: <c>"&lt;keyspace&gt;/&lt;shard&gt;"</c>.</summary>
    public static string GrainKey(string keySpace, int shard) => $"{keySpace}/{shard}";
}
