using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace MlOps.Orleans.Models.Mlflow;

/// <summary>
/// Hands YAML events to YamlDotNet's node builder and stops at the nesting limit: the builder recurses once per level,
/// so a hostile file of a million '[' would otherwise exhaust the stack and take the silo down with it.
/// </summary>
internal sealed class NestingLimitParser(IParser inner, int limit) : IParser
{
    private int _depth;

    public ParsingEvent? Current => inner.Current;

    public bool MoveNext()
    {
        if (!inner.MoveNext())
        {
            return false;
        }

        if (inner.Current is MappingStart or SequenceStart && ++_depth > limit)
        {
            throw new YamlException(inner.Current.Start, inner.Current.End, $"nested more than {limit} levels deep");
        }

        if (inner.Current is MappingEnd or SequenceEnd)
        {
            _depth--;
        }

        return true;
    }
}
