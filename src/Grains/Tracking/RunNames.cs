using System.Globalization;

namespace MlOps.Orleans.Grains.Tracking;

/// <summary>Readable default run names ("bold-fox-417") like MLflow's, derived from the run id so a retry gets the same one.</summary>
internal static class RunNames
{
    private static readonly string[] Adjectives =
        ["able", "bold", "brave", "bright", "calm", "clever", "crisp", "eager", "fair", "fast", "gentle", "glad", "grand",
         "keen", "kind", "lively", "lucky", "merry", "neat", "noble", "proud", "quick", "quiet", "rare", "sharp", "smart",
         "steady", "sunny", "swift", "tidy", "vast", "warm", "wise", "witty", "young", "zesty"];

    private static readonly string[] Nouns =
        ["ant", "bat", "bear", "bee", "cat", "crab", "crow", "deer", "dove", "eel", "elk", "finch", "fox", "frog", "goat",
         "hare", "hawk", "horse", "lark", "lion", "lynx", "mole", "moth", "newt", "owl", "ox", "panda", "ram", "seal",
         "shark", "snail", "swan", "toad", "trout", "wasp", "wolf", "wren", "yak"];

    public static string Generate(string runId)
    {
        var hash = 17u;
        foreach (var c in runId) hash = unchecked((hash * 31) + c);
        return string.Create(CultureInfo.InvariantCulture,
            $"{Adjectives[hash % Adjectives.Length]}-{Nouns[(hash / 64) % Nouns.Length]}-{(hash / 4096) % 1000}");
    }
}
