using DuckDB.NET.Data;
using Microsoft.Extensions.Logging;
using MlOps.Orleans.Artifacts;
using MlOps.Orleans.Contracts.Common;
using MlOps.Orleans.Contracts.Features;

namespace MlOps.Orleans.Features.Offline;

/// <summary>
/// The offline feature store: point-in-time correct training sets computed by DuckDB over Parquet/CSV sources, and the
/// offline side of push sources.
/// <para>
/// Semantics of <see cref="GetHistoricalFeaturesAsync"/>, for each entity row (join keys and the event timestamp column T)
/// and each view: the feature row with the same keys (all join keys of all the view's entities) and the greatest
/// event_ts &lt;= T; when the view has a ttl, also event_ts &gt;= T - ttl (relative to each entity row; both edges inclusive;
/// a ttl of zero admits only rows at exactly T, no ttl admits any age).
/// Ties on event_ts go to the greatest created_ts (a missing created timestamp counts as older than any); full ties (same
/// keys, event_ts and created_ts) to the row read last: the later file in artifact key / path order, then the later row
/// in that file; for a SQL view, to the row whose feature values are greatest in DuckDB's struct order.
/// With <see cref="RetrievalJob.FilterByCreatedTimestamp"/>, rows with created_ts &gt; T are invisible (a missing created
/// timestamp is not late). Every entity row gives exactly one output row, duplicates included, in input order; a null key,
/// a null T or no match gives nulls. Feature rows with a null key or event_ts never match.
/// </para>
/// <para>
/// Columns: the entity columns as given (DATE and zoned timestamps become UTC timestamps, narrower integers int32,
/// decimals float64), then each view's selected features in request order, then on-demand outputs, computed row by row by
/// <see cref="Transforms.CompiledOnDemandView"/> on the streamed rows. Feature values are converted to their declared
/// types; a value that does not convert fails the retrieval naming the view and column.
/// </para>
/// </summary>
public sealed class OfflineStore(IArtifactStore artifacts, OfflineStoreOptions options, ILogger<OfflineStore> logger)
{
    private readonly SourceResolver _sources = new(artifacts, options);
    private readonly PushFileWriter _push = new(artifacts, options);

    /// <summary>
    /// Writes the training set of <paramref name="job"/> as Parquet to <paramref name="outputPath"/> (a local file, replaced
    /// only when the whole set is written; on failure or cancellation nothing is left there or beside it).
    /// </summary>
    /// <exception cref="MlopsException">INVALID_ARGUMENT or FAILED_PRECONDITION naming the view, source or column at fault.</exception>
    public async Task<RetrievalResult> GetHistoricalFeaturesAsync(RetrievalJob job, string outputPath, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(job);
        if ((job.EntityRows.Inline is null) == (job.EntityRows.ArtifactKey is null))
            throw MlopsException.Invalid("entity_rows", "give either inline entity rows or an entity dataset, not both or neither");
        string? entityFile = null;
        if (job.EntityRows.ArtifactKey is { } key)
        {
            if (!key.EndsWith(".parquet", StringComparison.OrdinalIgnoreCase) && !key.EndsWith(".csv", StringComparison.OrdinalIgnoreCase))
                throw MlopsException.Invalid("entity_dataset", $"entity dataset '{key}' must be a .parquet or .csv file");
            entityFile = await _sources.LocalFileAsync(key, ct).ConfigureAwait(false);
        }
        var sources = await ResolveSourcesAsync(job, ct).ConfigureAwait(false);
        var allowed = sources.Values.SelectMany(s => s.Files).ToList();
        if (entityFile is not null) allowed.Add(entityFile);

        var target = Path.GetFullPath(outputPath);
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        var partial = target + "." + Guid.NewGuid().ToString("N") + ".partial";
        var started = System.Diagnostics.Stopwatch.StartNew();
        try
        {
            // DuckDB calls block; the whole retrieval runs on one pool thread so the caller's thread is never held.
            var result = await Task.Run(() => RunAsync(job, sources, entityFile, allowed, partial, ct), ct).ConfigureAwait(false);
            File.Move(partial, target, overwrite: true);
            logger.LogInformation("Training set of {Rows} rows x {Columns} columns from {Views} views written in {Ms} ms",
                result.RowCount, result.Schema.Count, job.Views.Count, started.ElapsedMilliseconds);
            return result;
        }
        catch
        {
            TryDelete(partial);
            throw;
        }
    }

    /// <summary>
    /// Appends rows pushed to <paramref name="pushSource"/>'s offline side: one new immutable Parquet file per event date under
    /// <c>feature-store/push/&lt;source&gt;/date=YYYY-MM-DD/</c>. The caller has validated the rows against the source schema.
    /// </summary>
    public Task<PushResult> AppendPushedRowsAsync(DataSourceSpec pushSource, FeatureFrame rows, CancellationToken ct) =>
        _push.AppendAsync(pushSource, rows, ct);

    private async Task<RetrievalResult> RunAsync(RetrievalJob job, IReadOnlyDictionary<string, ResolvedSource> sources, string? entityFile,
        List<string> allowed, string partial, CancellationToken ct)
    {
        using var session = DuckDbSession.Open(options, allowed);
        var query = RetrievalPlanner.Plan(session, job, sources, entityFile, ct);
        var writer = new TrainingSetWriter(query, options.RowGroupSize);
        using var command = session.StreamingCommand(query.Sql());
        using var registration = ct.Register(DuckDbSession.Interrupt, command);
        try
        {
            await using var file = new FileStream(partial, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 20);
            using var reader = command.ExecuteReader();
            var rows = await writer.WriteAsync(reader, file, ct).ConfigureAwait(false);
            ct.ThrowIfCancellationRequested();
            await file.FlushAsync(ct).ConfigureAwait(false);
            file.Flush(flushToDisk: true);
            return new RetrievalResult(rows, writer.Schema);
        }
        catch (DuckDBException e)
        {
            throw DuckDbErrors.Map(e, "historical retrieval", ct);
        }
    }

    private async Task<Dictionary<string, ResolvedSource>> ResolveSourcesAsync(RetrievalJob job, CancellationToken ct)
    {
        var names = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var view in job.Views)
        {
            if (!string.IsNullOrWhiteSpace(view.View.Sql)) names.UnionWith(view.View.Sources);
            else names.Add(view.View.Source);
        }
        var resolved = new Dictionary<string, ResolvedSource>(StringComparer.Ordinal);
        foreach (var name in names)
        {
            if (!job.Sources.TryGetValue(name, out var spec))
                throw MlopsException.Invalid("features", $"source '{name}' is not in the job");
            resolved[name] = await _sources.ResolveAsync(spec, ct).ConfigureAwait(false);
        }
        return resolved;
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
