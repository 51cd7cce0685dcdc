namespace MlOps.Orleans.Bench.Measure;

/// <summary>What <see cref="WindowRules.Judge"/> decided for one window; <see cref="Reason"/> says why when not plainly kept.</summary>
internal sealed record WindowVerdict(bool Kept, bool Judged, string? Reason)
{
    public static WindowVerdict Keep { get; } = new(true, true, null);

    public static WindowVerdict Discard(string reason) => new(false, true, reason);

    /// <summary>Kept, but the machine's load could not be judged (recorded, so a reader can tell).</summary>
    public static WindowVerdict Unjudged(string reason) => new(true, false, reason);
}
