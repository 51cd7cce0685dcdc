namespace MlOps.Orleans.Features.Online.Store;

/// <summary>
/// The Lua scripts of <see cref="RedisOnlineStore"/>. Scripts rather than MULTI or WATCH: the compare-and-set of newest-wins
/// has to run without another writer in between, and a script does that in one round trip per group of keys.
/// StackExchange.Redis sends them as EVALSHA and falls back to EVAL after a restart emptied the script cache.
/// </summary>
internal static class RedisScripts
{
    /// <summary>
    /// Newest-wins SET of many rows of one view version. KEYS: data keys (one hash slot in a cluster). ARGV: per key the
    /// encoded row and its absolute expiry in Unix ms ('0' = none). A stored row wins when its (event, created) ticks,
    /// read from bytes 2..17 of the header as unsigned 32-bit halves (Lua numbers are doubles: a 64-bit tick count would
    /// lose its low bits), are greater than the new row's. Returns the number of rows written.
    /// </summary>
    public const string Write = """
        local applied = 0
        for i = 1, #KEYS do
          local new = ARGV[2 * i - 1]
          local old = redis.call('GETRANGE', KEYS[i], 0, 17)
          local newer = true
          if #old == 18 then
            local oel, oeh, ocl, och = struct.unpack('<I4I4I4I4', old, 3)
            local nel, neh, ncl, nch = struct.unpack('<I4I4I4I4', new, 3)
            if neh ~= oeh then newer = neh > oeh
            elseif nel ~= oel then newer = nel > oel
            elseif nch ~= och then newer = nch > och
            else newer = ncl >= ocl end
          end
          if newer then
            local px = ARGV[2 * i]
            if px == '0' then redis.call('SET', KEYS[i], new) else redis.call('SET', KEYS[i], new, 'PXAT', px) end
            applied = applied + 1
          end
        end
        return applied
        """;

    /// <summary>
    /// Looks up (or creates) the generation of a view version and records the latest expiry written to it.
    /// KEYS[1]: the meta hash. ARGV[1]: the view field; ARGV[2]: the generation the caller wrote with ('' = none yet);
    /// ARGV[3]: the latest expiry of those rows in Unix ms, '-1' = never, '' = nothing written. The expiry is only recorded
    /// when the caller's generation is still current. A new generation continues the counter, which starts at the server's
    /// Unix seconds so a counter lost with the meta hash does not restart at numbers that may still name keys.
    /// Returns the current generation.
    /// </summary>
    public const string Ensure = """
        local cur = redis.call('HGET', KEYS[1], ARGV[1])
        if not cur then
          if redis.call('HEXISTS', KEYS[1], '#gen') == 0 then
            redis.call('HSET', KEYS[1], '#gen', redis.call('TIME')[1])
          end
          cur = tostring(redis.call('HINCRBY', KEYS[1], '#gen', 1))
          redis.call('HSET', KEYS[1], ARGV[1], cur)
        end
        if cur == ARGV[2] and ARGV[3] ~= '' then
          local f = 'x:' .. cur
          local old = redis.call('HGET', KEYS[1], f)
          if ARGV[3] == '-1' then
            if old ~= '-1' then redis.call('HSET', KEYS[1], f, '-1') end
          elseif not old or (old ~= '-1' and tonumber(ARGV[3]) > tonumber(old)) then
            redis.call('HSET', KEYS[1], f, ARGV[3])
          end
        end
        return cur
        """;

    /// <summary>
    /// Drops a view version: forgets its generation (so no reader or writer finds its keys again) and queues the generation
    /// for the sweep with the latest expiry written to it ('-1' when it has none or it is unknown: the sweep must then
    /// delete the keys itself). KEYS[1]: the meta hash; ARGV[1]: the view field. Returns the dropped generation or nil.
    /// </summary>
    public const string Drop = """
        local cur = redis.call('HGET', KEYS[1], ARGV[1])
        if not cur then return false end
        local x = redis.call('HGET', KEYS[1], 'x:' .. cur) or '-1'
        redis.call('HDEL', KEYS[1], ARGV[1], 'x:' .. cur)
        redis.call('HSET', KEYS[1], 'd:' .. cur, x)
        return cur
        """;
}
