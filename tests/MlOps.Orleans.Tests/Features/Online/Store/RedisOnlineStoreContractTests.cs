using MlOps.Orleans.Contracts.Features.Online;
using StackExchange.Redis;
using StackExchange.Redis.Profiling;
using MlOps.Orleans.Tests.Infrastructure;
using MlOps.Orleans.Features.Online.Store;

namespace MlOps.Orleans.Tests.Features.Online.Store;

/// <summary>The contract against the Redis of the test command, under a key prefix of this class's own.</summary>
[Trait("Category", Category.Platform)]
public sealed class RedisOnlineStoreContractTests : OnlineStoreContract, IAsyncLifetime
{
    private static readonly string Prefix = RedisTestConnection.UniquePrefix("contract");
    private readonly List<ConnectionMultiplexer> _connections = [];
    private ProfilingSession? _session;

    protected override Task<IOnlineStore> OpenAsync(TimeProvider? time = null) => OpenAsync(Prefix, time);

    protected override Task<IOnlineStore> OpenIsolatedAsync() => OpenAsync(RedisTestConnection.UniquePrefix("status"), null);

    /// <summary>The read must be one batch: one HMGET (generations) and one MGET (500 keys), all queued before any answer.</summary>
    protected override async Task<OnlineRow?[][]> MeasureOneReadAsync(IOnlineStore store, IReadOnlyList<OnlineViewLayout> views, IReadOnlyList<string> entities)
    {
        await store.ReadAsync(views, entities, default);
        _session = new ProfilingSession();
        var rows = await store.ReadAsync(views, entities, default);
        var commands = _session.FinishProfiling().ToList();
        _session = null;

        Assert.Equal(["HMGET", "MGET"], commands.Select(c => c.Command).Order(StringComparer.Ordinal));
        // Compared at enqueue time, not send time: a 500-key MGET may still be going out when the small HMGET's answer is back,
        // which is one round trip all the same. A second round trip would only be enqueued once the first answer was in.
        var lastEnqueued = commands.Max(c => c.CommandCreated + c.CreationToEnqueued);
        var firstAnswer = commands.Min(c => c.CommandCreated + c.CreationToEnqueued + c.EnqueuedToSending + c.SentToResponse);
        Assert.True(lastEnqueued <= firstAnswer, $"a command was queued after an answer came back ({lastEnqueued:O} > {firstAnswer:O}): more than one round trip");
        return rows;
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var connection in _connections) await connection.DisposeAsync();
    }

    private async Task<IOnlineStore> OpenAsync(string prefix, TimeProvider? time)
    {
        var options = RedisTestConnection.Options(RedisTestConnection.Endpoint, prefix, Grace);
        var connection = await ConnectionMultiplexer.ConnectAsync(RedisOnlineStore.Configure(options));
        connection.RegisterProfiler(() => _session);
        _connections.Add(connection);
        return RedisOnlineStore.Create(connection, options, time: time);
    }
}
