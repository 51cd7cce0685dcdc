using MlOps.Orleans.Contracts.Common;
using MlOps.Orleans.Contracts.Features.Online;
using MlOps.Orleans.Contracts.Features;

namespace MlOps.Orleans.Features.Online.Retrieval;

/// <summary>
/// How one feature view version lives online: its layout (every feature of its schema, so any projection can be served) and the
/// join key columns, in key-space order, that make its entity key. Shared by push, materialization and retrieval so all three
/// put a row under the same key.
/// </summary>
public sealed record OnlineViewBinding(OnlineViewLayout Layout, IReadOnlyList<FieldSpec> JoinKeys)
{
    public static OnlineViewBinding For(FeatureViewSpec view, int version, IReadOnlyDictionary<string, EntitySpec> entities)
    {
        // Sorted so that two views over the same entities share a key space (and therefore shards) whatever order they list them in.
        var names = view.Entities.Order(StringComparer.Ordinal).ToList();
        var keys = new List<FieldSpec>();
        foreach (var name in names)
        {
            if (!entities.TryGetValue(name, out var entity))
            {
                throw MlopsException.Precondition($"feature view '{view.Name}' version {version} uses entity '{name}', which no longer exists");
            }
            keys.AddRange(entity.JoinKeys);
        }
        return new OnlineViewBinding(new OnlineViewLayout(new OnlineViewKey(view.Name, version), KeySpaceOf(view), view.Schema, view.Ttl), keys);
    }

    /// <summary>The entity key space of a view: its entity names, sorted and comma-joined ("_" for a view without entities).</summary>
    public static string KeySpaceOf(FeatureViewSpec view) =>
        view.Entities.Count == 0 ? "_" : string.Join(",", view.Entities.Order(StringComparer.Ordinal));
}
