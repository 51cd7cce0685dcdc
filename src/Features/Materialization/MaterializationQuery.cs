using System.Globalization;
using MlOps.Orleans.Features.Offline;
using MlOps.Orleans.Features.Online.Retrieval;
using MlOps.Orleans.Contracts.Features;
using MlOps.Orleans.Contracts.Features.Materialization;

namespace MlOps.Orleans.Features.Materialization;

/// <summary>
/// The SQL of "latest row per entity key with event_ts in [start, end]" for one partition of one view, built on the offline
/// engine's own view relation so that casts, null-key filtering, SQL views, push sources and tie-breaks are exactly the
/// offline store's: the greatest order key (event_ts, created_ts, file, row; for SQL views full ties collapse by value first)
/// wins, which is the row a point-in-time join at <c>end</c> would take.
/// <para>
/// Partition <c>part</c> of <c>parts</c> is <c>hash(join keys) % parts = part</c>: each worker scans the files but aggregates
/// and streams only its keys. The aggregate is DuckDB's (spilling to the session's temp folder above its memory limit), and
/// the result is streamed, so memory does not grow with the window.
/// </para>
/// </summary>
internal static class MaterializationQuery
{
    private const string State = SqlText.Reserved + "s";

    public static string Plan(DuckDbSession session, MaterializationViewTask task, OnlineViewBinding binding,
        IReadOnlyDictionary<string, ResolvedSource> sources, int part, int parts, CancellationToken ct)
    {
        var view = task.View;
        var keyNames = RelationKeyNames(view, task.Entities);
        // The view relation takes its join key aliases from an entity relation; an empty one with just the keys serves.
        var keyFrame = new FeatureFrame(keyNames.Select(k => new FrameColumn(k.Name, k.Type, Array.Empty<object?>())).ToList());
        var job = new RetrievalJob(EntityInput.FromFrame(keyFrame), "", [Selection(task)], [], task.Sources, task.Entities, false);
        var entities = EntityRelation.Load(session, job.EntityRows, null, ct);
        var relation = new ViewRelation(0, job.Views[0], job, entities);
        relation.Create(session, job, sources, new HashSet<string>(StringComparer.OrdinalIgnoreCase), ct);

        var keyColumns = relation.Keys.Select(k => k.Column).ToList();
        var outputKeys = binding.JoinKeys.Select(k =>
        {
            var index = keyNames.FindIndex(n => string.Equals(n.Name, k.Name, StringComparison.OrdinalIgnoreCase));
            return keyColumns[index];
        });
        var features = binding.Layout.Features.Select(f => relation.Features.First(r => r.Field.Name == f.Name).Column).ToList();

        var pack = new List<string> { $"e := {SqlText.Reserved}ets", $"c := {SqlText.Reserved}cts" };
        pack.AddRange(features.Select(f => $"{f} := {f}"));
        var where = new List<string>
        {
            $"{SqlText.Reserved}ets >= {Timestamp(task.Start, roundUp: true)}",
            $"{SqlText.Reserved}ets <= {Timestamp(task.End, roundUp: false)}",
        };
        if (parts > 1) where.Add($"hash({string.Join(", ", keyColumns)}) % {SqlText.Int(parts)} = {SqlText.Int(part)}");
        var select = outputKeys.Concat(new[] { "e", "c" }.Concat(features).Select(f => $"struct_extract({State}, {SqlText.Str(f)})"));
        return $"SELECT {string.Join(", ", select)} FROM (SELECT {string.Join(", ", keyColumns)}, " +
               $"arg_max(struct_pack({string.Join(", ", pack)}), {SqlText.Reserved}key) AS {State} FROM {relation.Name} " +
               $"WHERE {string.Join(" AND ", where)} GROUP BY {string.Join(", ", keyColumns)})";
    }

    /// <summary>Every feature of the view: the online layout holds the whole schema.</summary>
    private static ViewSelection Selection(MaterializationViewTask task) =>
        new(task.View, task.Version, task.View.Schema.Select(f => new SelectedFeature(f.Name, f.Name)).ToList());

    /// <summary>The join keys in the order the view relation numbers them (its entities in order, duplicates once).</summary>
    private static List<FieldSpec> RelationKeyNames(FeatureViewSpec view, IReadOnlyDictionary<string, EntitySpec> entities)
    {
        var keys = new List<FieldSpec>();
        foreach (var name in view.Entities)
        {
            if (!entities.TryGetValue(name, out var entity)) continue;
            foreach (var key in entity.JoinKeys)
            {
                if (!keys.Any(k => string.Equals(k.Name, key.Name, StringComparison.OrdinalIgnoreCase))) keys.Add(key);
            }
        }
        return keys;
    }

    /// <summary>A UTC instant as a DuckDB timestamp (microseconds): the start rounds up and the end down, so both stay inclusive.</summary>
    private static string Timestamp(DateTime t, bool roundUp)
    {
        var ticks = (t.Kind == DateTimeKind.Local ? t.ToUniversalTime() : t).Ticks - DateTime.UnixEpoch.Ticks;
        var micros = Math.DivRem(ticks, TimeSpan.TicksPerMicrosecond, out var rest);
        if (rest < 0) micros--;
        if (roundUp && rest != 0) micros++;
        return $"make_timestamp({micros.ToString(CultureInfo.InvariantCulture)}::BIGINT)";
    }
}
