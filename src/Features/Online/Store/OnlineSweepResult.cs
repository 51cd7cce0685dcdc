namespace MlOps.Orleans.Features.Online.Store;

/// <summary>What one bounded sweep step did.</summary>
/// <param name="KeysDeleted">Rows (Redis keys) removed in this step.</param>
/// <param name="Pending">Dropped view versions (or, in SQLite, batches of expired rows) still waiting for a later step.</param>
public sealed record OnlineSweepResult(int KeysDeleted, int Pending);
