using DuckDB.NET.Data;
using MlOps.Orleans.Artifacts;
using MlOps.Orleans.Contracts.Common;
using MlOps.Orleans.Features.Offline;
using MlOps.Orleans.Contracts.Features.Online;
using MlOps.Orleans.Features.Online.Retrieval;
using MlOps.Orleans.Contracts.Features.Materialization;
using MlOps.Orleans.Features.Online.Store;

namespace MlOps.Orleans.Features.Materialization;

/// <summary>
/// Reads, for one key-range partition of one view, the latest row per entity key with event_ts in the window (see
/// <see cref="MaterializationQuery"/>) and hands each to a callback as its entity key and online row. Rows are streamed
/// from DuckDB one at a time on a dedicated thread; the callback may block (back-pressure), which pauses the query.
/// </summary>
public sealed class MaterializationReader(IArtifactStore artifacts, OfflineStoreOptions options)
{
    private readonly SourceResolver _sources = new(artifacts, options);

    /// <summary>Streams the partition's rows into <paramref name="onRow"/>; returns how many were read. Cancelling interrupts the query.</summary>
    /// <exception cref="MlopsException">FAILED_PRECONDITION or INVALID_ARGUMENT naming the view, source or column at fault.</exception>
    public async Task<long> ReadAsync(MaterializationViewTask task, OnlineViewBinding binding, int part, int parts, Action<string, OnlineRow> onRow,
        CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(task);
        ArgumentNullException.ThrowIfNull(binding);
        ArgumentNullException.ThrowIfNull(onRow);
        if (parts < 1 || part < 0 || part >= parts) throw new ArgumentOutOfRangeException(nameof(part), $"partition {part} of {parts}");
        var view = task.View;
        var names = string.IsNullOrWhiteSpace(view.Sql) ? [view.Source] : view.Sources;
        var resolved = new Dictionary<string, ResolvedSource>(StringComparer.Ordinal);
        foreach (var name in names.Distinct(StringComparer.Ordinal))
        {
            if (!task.Sources.TryGetValue(name, out var spec))
                throw MlopsException.Precondition($"feature view '{view.Name}' version {task.Version} reads source '{name}', which no longer exists");
            resolved[name] = await _sources.ResolveAsync(spec, ct).ConfigureAwait(false);
        }
        // DuckDB calls block: the query runs on its own thread so no pool or grain thread is held for the whole scan.
        return await Task.Factory.StartNew(() => Read(task, binding, resolved, part, parts, onRow, ct), ct,
            TaskCreationOptions.LongRunning, TaskScheduler.Default).ConfigureAwait(false);
    }

    private long Read(MaterializationViewTask task, OnlineViewBinding binding, Dictionary<string, ResolvedSource> sources, int part, int parts,
        Action<string, OnlineRow> onRow, CancellationToken ct)
    {
        var context = $"materialization of feature view '{task.View.Name}' (version {task.Version})";
        using var session = DuckDbSession.Open(options, sources.Values.SelectMany(s => s.Files));
        var sql = MaterializationQuery.Plan(session, task, binding, sources, part, parts, ct);
        using var command = session.StreamingCommand(sql);
        using var registration = ct.Register(DuckDbSession.Interrupt, command);
        var keyTypes = binding.JoinKeys.Select(k => k.Type).ToArray();
        var featureTypes = binding.Layout.Features.Select(f => f.Type).ToArray();
        var keys = new object?[keyTypes.Length];
        var first = keyTypes.Length;
        long rows = 0;
        try
        {
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                for (var i = 0; i < keys.Length; i++) keys[i] = MaterializedValues.Read(reader, i, keyTypes[i]);
                var values = new object?[featureTypes.Length];
                for (var i = 0; i < values.Length; i++) values[i] = MaterializedValues.Read(reader, first + 2 + i, featureTypes[i]);
                var created = reader.IsDBNull(first + 1) ? (DateTime?)null : MaterializedValues.Timestamp(reader, first + 1);
                var key = keys.Length == 1 ? EntityKeys.Encode(keys[0]) : EntityKeys.Encode(keys);
                onRow(key, new OnlineRow(MaterializedValues.Timestamp(reader, first), created, values));
                rows++;
            }
        }
        catch (DuckDBException e)
        {
            throw DuckDbErrors.Map(e, context, ct);
        }
        ct.ThrowIfCancellationRequested();
        return rows;
    }
}
