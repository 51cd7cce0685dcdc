using System.Globalization;

namespace MlOps.Orleans.Bench.Measure;

/// <summary>
/// When a measured window counts (issue 15): other processes may use at most <see cref="MaxOtherCores"/> and the VM may lose
/// at most <see cref="MaxStealPercent"/> of its CPU time to other guests, else the window is discarded and counted. A run
/// whose discarded windows are more than half of those fixed before it is void, and is measured again at most
/// <see cref="MaxVoidRetries"/> times; a run still void then is reported as void.
/// </summary>
internal sealed record WindowRules(double MaxOtherCores, double MaxStealPercent)
{
    public const double DefaultMaxOtherCores = 0.1;
    public const double DefaultMaxStealPercent = 2;
    public const int MaxVoidRetries = 2;

    /// <summary>CPU time is counted in 10 ms ticks: over a shorter window "other cores" is noise, not a neighbour.</summary>
    public static readonly TimeSpan MinimumJudgedWindow = TimeSpan.FromSeconds(1);

    public static WindowRules Default { get; } = new(DefaultMaxOtherCores, DefaultMaxStealPercent);

    /// <param name="otherCores">Busy cores of processes that are not measured (NaN when /proc/stat is unreadable).</param>
    /// <param name="stealPercent">Stolen share of CPU time over the window (NaN when unknown).</param>
    public WindowVerdict Judge(double otherCores, double stealPercent, TimeSpan elapsed)
    {
        if (elapsed < MinimumJudgedWindow) return WindowVerdict.Unjudged("shorter than 1 s");
        if (!double.IsFinite(otherCores) && !double.IsFinite(stealPercent)) return WindowVerdict.Unjudged("no /proc/stat");
        var reasons = new List<string>();
        if (double.IsFinite(otherCores) && otherCores > MaxOtherCores)
            reasons.Add(string.Create(CultureInfo.InvariantCulture, $"others {otherCores:0.00} cores > {MaxOtherCores:0.00}"));
        if (double.IsFinite(stealPercent) && stealPercent > MaxStealPercent)
            reasons.Add(string.Create(CultureInfo.InvariantCulture, $"steal {stealPercent:0.0}% > {MaxStealPercent:0.0}%"));
        return reasons.Count == 0 ? WindowVerdict.Keep : WindowVerdict.Discard(string.Join(", ", reasons));
    }

    /// <summary>More than half of the planned windows discarded: the run says more about the machine than the server.</summary>
    public static bool IsVoid(int plannedWindows, int discarded) => discarded * 2 > plannedWindows;

    /// <summary>Whether a run that just finished as attempt <paramref name="attempt"/> (0 = the first) is measured again.</summary>
    public static bool Retry(int attempt, bool isVoid) => isVoid && attempt < MaxVoidRetries;

    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"others <= {MaxOtherCores:0.00} cores, steal <= {MaxStealPercent:0.0}%");
}
