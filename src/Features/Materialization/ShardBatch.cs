using MlOps.Orleans.Contracts.Features.Online;

namespace MlOps.Orleans.Features.Materialization;

/// <summary>Rows of one view bound for one online shard, written in one call.</summary>
public sealed record ShardBatch(int Shard, List<KeyValuePair<string, OnlineRow>> Rows);
