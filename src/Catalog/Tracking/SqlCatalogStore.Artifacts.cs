using MlOps.Orleans.Catalog.Storage;
using MlOps.Orleans.Contracts.Tracking;

namespace MlOps.Orleans.Catalog;

public abstract partial class SqlCatalogStore
{
    public Task RecordArtifactAsync(string runId, ArtifactFile file, CancellationToken ct = default) =>
        WriteAsync(async (c, tx, token) => await c.ExecAsync(tx,
            "INSERT INTO run_artifacts (workspace, run_id, path, size, sha256, created_at) VALUES (@w, @r, @p, @s, @h, @t) " +
            "ON CONFLICT (run_id, path) DO UPDATE SET size = excluded.size, sha256 = excluded.sha256, created_at = excluded.created_at", token,
            ("@w", Workspace), ("@r", runId), ("@p", file.Path), ("@s", file.Size), ("@h", file.Sha256), ("@t", file.CreatedAt)).ConfigureAwait(false), ct);

    public async Task<IReadOnlyList<ArtifactFile>> ListArtifactsAsync(string runId, string prefix, CancellationToken ct = default)
    {
        await using var c = await OpenReadAsync(ct).ConfigureAwait(false);
        // A range on the primary key rather than LIKE, so '%' and '_' in paths mean themselves.
        await using var command = c.Command("SELECT path, size, sha256, created_at FROM run_artifacts WHERE workspace = @w AND run_id = @r " +
            "AND path >= @lo AND path < @hi ORDER BY path").With(("@w", Workspace), ("@r", runId), ("@lo", prefix), ("@hi", prefix + "\uffff"));
        await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
        var result = new List<ArtifactFile>();
        while (await reader.ReadAsync(ct).ConfigureAwait(false))
            result.Add(new ArtifactFile(reader.GetString(0), reader.GetInt64(1), reader.GetString(2), reader.GetInt64(3)));
        return result;
    }

    public Task RemoveArtifactsAsync(string runId, string path, CancellationToken ct = default) =>
        WriteAsync(async (c, tx, token) => await c.ExecAsync(tx,
            "DELETE FROM run_artifacts WHERE workspace = @w AND run_id = @r AND (path = @p OR (path >= @lo AND path < @hi))", token,
            ("@w", Workspace), ("@r", runId), ("@p", path), ("@lo", path + "/"), ("@hi", path + "/\uffff")).ConfigureAwait(false), ct);
}
