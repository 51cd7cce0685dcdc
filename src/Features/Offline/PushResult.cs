namespace MlOps.Orleans.Features.Offline;

/// <summary>What a push to the offline side stored: the row count and the artifact keys of the new files (one per event date).</summary>
public sealed record PushResult(long Rows, IReadOnlyList<string> Files);
