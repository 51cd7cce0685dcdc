namespace MlOps.Orleans.Silo.Hosting;

/// <summary>
/// Which backend settings make an acknowledged write survive a crash and a power loss, in one place. The backends only
/// report their values (<c>ReadDurabilitySettingsAsync</c>); the judgement is here.
/// <para>
/// Redis <c>appendfsync everysec</c> does not count: a Redis crash alone usually loses nothing (the append-only file is
/// written before the reply unless a slow fsync holds the write back), but a power loss or OS crash of the Redis host loses
/// about the last second of acknowledged online writes, and the platform's promise is that an acknowledged write survives
/// both. Such a deployment still starts, with a warning, unless <c>Mlops:RequireDurableBackends</c> is set.
/// </para>
/// </summary>
public static class DurabilityRules
{
    public const string PostgreSql = "PostgreSQL";
    public const string Sqlite = "SQLite";
    public const string Redis = "Redis";
    public const string Unknown = "unknown";

    private static readonly Rule[] Rules =
    [
        new(PostgreSql, "fsync", ["on"],
            "PostgreSQL never forces its writes to disk, so a power loss or an OS crash can lose acknowledged commits and corrupt the database"),
        new(PostgreSql, "synchronous_commit", ["on", "local", "remote_write", "remote_apply"],
            "commits are acknowledged before their WAL is flushed, so a PostgreSQL crash or a power loss loses the last acknowledged commits (up to three times wal_writer_delay)"),
        new(Sqlite, "journal_mode", ["wal", "delete", "truncate", "persist"],
            "without a journal on disk a crash in the middle of a commit can corrupt the file"),
        new(Sqlite, "synchronous", ["full", "extra"],
            "commits are acknowledged before they are fsynced: a power loss can lose the last ones (NORMAL in WAL mode) or corrupt the file (OFF)"),
        new(Redis, "appendonly", ["yes"],
            "online rows live in memory and snapshots only, so a Redis restart or crash loses every acknowledged online write since the last snapshot"),
        new(Redis, "appendfsync", ["always"],
            "everysec loses about the last second (two with a busy disk) of acknowledged online writes when the Redis host loses power or its OS crashes; no leaves the flush to the OS (about 30 s)"),
    ];

    /// <summary>The settings of <paramref name="engine"/> that are not durable or not known, in rule order.</summary>
    /// <param name="backend">Named in each finding: <c>PostgreSQL catalog</c>.</param>
    /// <param name="settings">As the backend reported them; a missing or null value is unknown.</param>
    public static IReadOnlyList<DurabilityFinding> Judge(string engine, string backend, IReadOnlyDictionary<string, string?> settings)
    {
        var findings = new List<DurabilityFinding>();
        foreach (var rule in Rules.Where(r => r.Engine == engine))
        {
            if (!settings.TryGetValue(rule.Setting, out var value) || value is null)
                findings.Add(new DurabilityFinding(backend, rule.Setting, Unknown,
                    "the backend would not reveal it or did not answer (managed Redis services often disable or rename CONFIG), so its durability cannot be checked"));
            else if (!rule.Durable.Contains(value.Trim().ToLowerInvariant()))
                findings.Add(new DurabilityFinding(backend, rule.Setting, value, rule.Risk));
        }
        return findings;
    }

    private sealed record Rule(string Engine, string Setting, string[] Durable, string Risk);
}
