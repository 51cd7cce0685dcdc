using System.Data.Common;
using System.Globalization;
using MlOps.Orleans.Catalog.Storage;
using MlOps.Orleans.Contracts.Features.Materialization;

namespace MlOps.Orleans.Catalog.Features;

/// <summary>Materialization jobs, view locks and resume points over a <see cref="CatalogDatabase"/>.</summary>
public sealed class SqlMaterializationCatalog(CatalogDatabase db) : IMaterializationCatalog
{
    private const string Workspace = CatalogDatabase.Workspace;

    private const string JobColumns = "job_id, status, error, state, created_at, finished_at, heartbeat_at";

    private static readonly int[] LiveStatuses = [(int)MaterializationStatus.Pending, (int)MaterializationStatus.Running];

    private readonly CatalogDatabase _db = db;

    public async Task<MaterializationClaim> ClaimAsync(MaterializationJobRow job, IReadOnlyList<string> views, TimeSpan staleAfter,
        CancellationToken ct = default)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                return await _db.WriteAsync((c, tx, token) => ClaimInTransactionAsync(c, tx, job, views, staleAfter, token), ct).ConfigureAwait(false);
            }
            catch (Exception e) when (attempt < 3 && _db.IsUniqueViolation(e))
            {
                // Two silos claimed the same view at once (PostgreSQL): the loser reads again and sees the winner's lock.
            }
        }
    }

    private static async Task<MaterializationClaim> ClaimInTransactionAsync(DbConnection c, DbTransaction tx, MaterializationJobRow job,
        IReadOnlyList<string> views, TimeSpan staleAfter, CancellationToken ct)
    {
        await using (var exists = c.Command("SELECT COUNT(*) FROM materialization_jobs WHERE workspace = @w AND job_id = @j", tx)
                         .With(("@w", Workspace), ("@j", job.JobId)))
        {
            if (Convert.ToInt64(await exists.ExecuteScalarAsync(ct).ConfigureAwait(false), CultureInfo.InvariantCulture) > 0)
                return new MaterializationClaim(false, null, null, true);
        }
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var staleBefore = now - (long)staleAfter.TotalMilliseconds;
        var stale = new List<string>();
        foreach (var view in views)
        {
            await using var holder = c.Command(
                "SELECT l.job_id, j.status, j.heartbeat_at FROM materialization_locks l LEFT JOIN materialization_jobs j " +
                "ON j.workspace = l.workspace AND j.job_id = l.job_id WHERE l.workspace = @w AND l.view_name = @v", tx).With(("@w", Workspace), ("@v", view));
            await using var reader = await holder.ExecuteReaderAsync(ct).ConfigureAwait(false);
            if (!await reader.ReadAsync(ct).ConfigureAwait(false)) continue;
            var holderJob = reader.GetString(0);
            var live = !reader.IsDBNull(1) && LiveStatuses.Contains(Convert.ToInt32(reader.GetValue(1), CultureInfo.InvariantCulture))
                       && reader.GetInt64(2) >= staleBefore;
            if (live) return new MaterializationClaim(false, view, holderJob, false);
            stale.Add(holderJob);
        }
        foreach (var lost in stale.Distinct(StringComparer.Ordinal))
        {
            await c.ExecAsync(tx, "UPDATE materialization_jobs SET status = @s, error = @e, finished_at = @t WHERE workspace = @w AND job_id = @j " +
                $"AND status IN ({string.Join(", ", LiveStatuses)})", ct, ("@w", Workspace), ("@j", lost), ("@s", (int)MaterializationStatus.Failed),
                ("@e", $"the job's coordinator stopped reporting for over {staleAfter.TotalSeconds:0} s (its silo left?); a later job took its views"),
                ("@t", now)).ConfigureAwait(false);
            await c.ExecAsync(tx, "DELETE FROM materialization_locks WHERE workspace = @w AND job_id = @j", ct, ("@w", Workspace), ("@j", lost))
                .ConfigureAwait(false);
        }
        foreach (var view in views)
        {
            await c.ExecAsync(tx, "INSERT INTO materialization_locks (workspace, view_name, job_id, acquired_at) VALUES (@w, @v, @j, @t)", ct,
                ("@w", Workspace), ("@v", view), ("@j", job.JobId), ("@t", now)).ConfigureAwait(false);
        }
        await c.ExecAsync(tx, $"INSERT INTO materialization_jobs (workspace, {JobColumns}) VALUES (@w, @j, @s, @e, @st, @c, NULL, @t)", ct,
            ("@w", Workspace), ("@j", job.JobId), ("@s", (int)job.Status), ("@e", job.Error), ("@st", job.State), ("@c", job.CreatedAt), ("@t", now))
            .ConfigureAwait(false);
        return new MaterializationClaim(true, null, null, false);
    }

    public Task<bool> HeartbeatAsync(string jobId, string state, CancellationToken ct = default) => _db.WriteAsync(async (c, tx, token) =>
        await c.ExecAsync(tx, "UPDATE materialization_jobs SET state = @st, heartbeat_at = @t WHERE workspace = @w AND job_id = @j " +
            $"AND status IN ({string.Join(", ", LiveStatuses)})", token, ("@w", Workspace), ("@j", jobId), ("@st", state),
            ("@t", DateTimeOffset.UtcNow.ToUnixTimeMilliseconds())).ConfigureAwait(false) == 1, ct);

    public Task<bool> FinishAsync(string jobId, MaterializationStatus status, string? error, string state, IReadOnlyList<MaterializedWindow> completed,
        CancellationToken ct = default) => _db.WriteAsync(async (c, tx, token) =>
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var updated = await c.ExecAsync(tx, "UPDATE materialization_jobs SET status = @s, error = @e, state = @st, finished_at = @t, heartbeat_at = @t " +
            $"WHERE workspace = @w AND job_id = @j AND status IN ({string.Join(", ", LiveStatuses)})", token,
            ("@w", Workspace), ("@j", jobId), ("@s", (int)status), ("@e", error), ("@st", state), ("@t", now)).ConfigureAwait(false);
        await c.ExecAsync(tx, "DELETE FROM materialization_locks WHERE workspace = @w AND job_id = @j", token, ("@w", Workspace), ("@j", jobId))
            .ConfigureAwait(false);
        if (updated == 0) return false;
        foreach (var window in completed)
        {
            // Never backwards: a job over an older window must not make the next incremental run re-read what is online.
            await c.ExecAsync(tx, "INSERT INTO materialization_state (workspace, view_name, version, last_end, job_id, updated_at) " +
                "VALUES (@w, @v, @n, @e, @j, @t) ON CONFLICT (workspace, view_name, version) DO UPDATE SET last_end = excluded.last_end, " +
                "job_id = excluded.job_id, updated_at = excluded.updated_at WHERE excluded.last_end > materialization_state.last_end", token,
                ("@w", Workspace), ("@v", window.View), ("@n", window.Version), ("@e", ToTicks(window.End)), ("@j", jobId), ("@t", now)).ConfigureAwait(false);
        }
        return true;
    }, ct);

    public async Task<MaterializationJobRow?> GetJobAsync(string jobId, CancellationToken ct = default)
    {
        await using var c = await _db.OpenReadAsync(ct).ConfigureAwait(false);
        var rows = await ReadJobsAsync(c, $"SELECT {JobColumns} FROM materialization_jobs WHERE workspace = @w AND job_id = @j", ct,
            ("@w", Workspace), ("@j", jobId)).ConfigureAwait(false);
        return rows.Count == 0 ? null : rows[0];
    }

    public async Task<IReadOnlyList<MaterializationJobRow>> ListJobsAsync(int limit, CancellationToken ct = default)
    {
        await using var c = await _db.OpenReadAsync(ct).ConfigureAwait(false);
        return await ReadJobsAsync(c, $"SELECT {JobColumns} FROM materialization_jobs WHERE workspace = @w ORDER BY created_at DESC, job_id LIMIT @l", ct,
            ("@w", Workspace), ("@l", limit)).ConfigureAwait(false);
    }

    public async Task<DateTime?> LastEndAsync(string view, int version, CancellationToken ct = default)
    {
        await using var c = await _db.OpenReadAsync(ct).ConfigureAwait(false);
        await using var command = c.Command("SELECT last_end FROM materialization_state WHERE workspace = @w AND view_name = @v AND version = @n")
            .With(("@w", Workspace), ("@v", view), ("@n", version));
        var value = await command.ExecuteScalarAsync(ct).ConfigureAwait(false);
        return value is null or DBNull ? null : new DateTime(Convert.ToInt64(value, CultureInfo.InvariantCulture), DateTimeKind.Utc);
    }

    private static long ToTicks(DateTime t) => (t.Kind == DateTimeKind.Local ? t.ToUniversalTime() : t).Ticks;

    private static async Task<IReadOnlyList<MaterializationJobRow>> ReadJobsAsync(DbConnection c, string sql, CancellationToken ct,
        params (string, object?)[] parameters)
    {
        var result = new List<MaterializationJobRow>();
        await using var command = c.Command(sql).With(parameters);
        await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
        while (await reader.ReadAsync(ct).ConfigureAwait(false))
        {
            result.Add(new MaterializationJobRow(reader.GetString(0), (MaterializationStatus)Convert.ToInt32(reader.GetValue(1), CultureInfo.InvariantCulture),
                reader.NullableString(2), reader.GetString(3), reader.GetInt64(4), reader.NullableInt64(5), reader.GetInt64(6)));
        }
        return result;
    }
}
