using System.Globalization;
using System.Text;
using StackExchange.Redis;
using MlOps.Orleans.Contracts.Features.Online;

namespace MlOps.Orleans.Features.Online.Store;

/// <summary>
/// Key names of <see cref="RedisOnlineStore"/> (see docs/online-store.md):
/// <list type="bullet">
/// <item><c>P:G{E}</c>: one string per (view version, entity): P the prefix, G the view version's generation in base 36, E
/// the <see cref="EntityKeys"/> encoding. The hash tag is the entity key alone, so every view of one entity shares a slot
/// and a read of many views of one entity is one MGET even on a cluster.</item>
/// <item><c>P:meta{#}</c>: the hash of generations: <c>v:VERSION:VIEW</c> → generation, <c>x:G</c> → latest expiry written
/// (Unix ms, -1 never), <c>d:G</c> → a dropped generation waiting for the sweep, <c>#gen</c> → the counter. Entity
/// encodings never start with '#', so the meta hash shares no slot name with data.</item>
/// </list>
/// </summary>
internal sealed class RedisKeyspace
{
    public RedisKeyspace(string prefix)
    {
        if (string.IsNullOrEmpty(prefix) || prefix.Contains('{', StringComparison.Ordinal) || prefix.Contains('}', StringComparison.Ordinal))
        {
            throw new ArgumentException($"key prefix '{prefix}' must be non-empty and must not contain '{{' or '}}'", nameof(prefix));
        }
        Prefix = prefix;
        Meta = prefix + ":meta{#}";
    }

    public string Prefix { get; }

    public RedisKey Meta { get; }

    public static RedisValue ViewField(OnlineViewKey view) =>
        string.Create(CultureInfo.InvariantCulture, $"v:{view.Version}:{view.View}");

    /// <summary>Everything of a data key before the entity: <c>P:G{</c>.</summary>
    public string DataKeyStart(long generation) => Prefix + ":" + Base36(generation) + "{";

    public static RedisKey DataKey(string start, string entityKey) => start + entityKey + "}";

    /// <summary>A SCAN MATCH pattern for every key of one generation; glob characters of the prefix are escaped.</summary>
    public string GenerationPattern(long generation)
    {
        var sb = new StringBuilder();
        foreach (var c in DataKeyStart(generation))
        {
            if (c is '*' or '?' or '[' or ']' or '\\') sb.Append('\\');
            sb.Append(c);
        }
        return sb.Append('*').ToString();
    }

    public static string Base36(long value)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(value);
        Span<char> buffer = stackalloc char[13];
        var pos = buffer.Length;
        do
        {
            var digit = (int)(value % 36);
            buffer[--pos] = (char)(digit < 10 ? '0' + digit : 'a' + digit - 10);
            value /= 36;
        }
        while (value > 0);
        return new string(buffer[pos..]);
    }
}
