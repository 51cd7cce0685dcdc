namespace MlOps.Orleans.Contracts.Features.Online;

/// <summary>
/// What a resolved online request depends on (features, feature service, full names), as a cache key. Hashed and compared in
/// place over the request's own list so that a cache hit allocates nothing; a stored key must own a copy (<see cref="Owned"/>).
/// </summary>
public readonly record struct OnlineRequestShape(bool FullNames, string Service, IReadOnlyList<string> Features)
{
    public static IEqualityComparer<OnlineRequestShape> Comparer { get; } = new ShapeComparer();

    public static OnlineRequestShape Of(OnlineFeaturesRequest request) => new(request.FullFeatureNames, request.FeatureService, request.Features);

    /// <summary>The key with its own copy of the feature list: the caller's list belongs to its request.</summary>
    public OnlineRequestShape Owned() => this with { Features = [.. Features] };

    private sealed class ShapeComparer : IEqualityComparer<OnlineRequestShape>
    {
        public bool Equals(OnlineRequestShape x, OnlineRequestShape y)
        {
            if (x.FullNames != y.FullNames || !string.Equals(x.Service, y.Service, StringComparison.Ordinal) || x.Features.Count != y.Features.Count) return false;
            for (var i = 0; i < x.Features.Count; i++)
            {
                if (!string.Equals(x.Features[i], y.Features[i], StringComparison.Ordinal)) return false;
            }
            return true;
        }

        public int GetHashCode(OnlineRequestShape key)
        {
            var hash = new HashCode();
            hash.Add(key.FullNames);
            hash.Add(key.Service, StringComparer.Ordinal);
            for (var i = 0; i < key.Features.Count; i++) hash.Add(key.Features[i], StringComparer.Ordinal);
            return hash.ToHashCode();
        }
    }
}
