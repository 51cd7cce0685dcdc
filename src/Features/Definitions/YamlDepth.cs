using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace MlOps.Orleans.Features.Definitions;

/// <summary>Measures YAML nesting with the streaming parser, which keeps its state on the heap and stops at the limit.</summary>
internal static class YamlDepth
{
    /// <summary>Whether collections nest deeper than <paramref name="limit"/>; throws <see cref="YamlException"/> on bad syntax.</summary>
    public static bool Exceeds(string yaml, int limit, out Mark at)
    {
        var parser = new Parser(new StringReader(yaml));
        var depth = 0;
        while (parser.MoveNext())
        {
            switch (parser.Current)
            {
                case MappingStart or SequenceStart:
                    if (++depth > limit)
                    {
                        at = parser.Current.Start;
                        return true;
                    }
                    break;
                case MappingEnd or SequenceEnd:
                    depth--;
                    break;
            }
        }
        at = Mark.Empty;
        return false;
    }
}
