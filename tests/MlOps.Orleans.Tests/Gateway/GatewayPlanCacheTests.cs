using Microsoft.Extensions.Logging.Abstractions;
using MlOps.Orleans.Contracts.Common;
using MlOps.Orleans.Contracts.Features;
using MlOps.Orleans.Contracts.Features.Online;
using MlOps.Orleans.Gateway.Features;
using MlOps.Orleans.Tests.Infrastructure;

namespace MlOps.Orleans.Tests.Gateway;

/// <summary>A standalone gateway keeps a plan until the definitions' revision moves, however long that takes, and then resolves
/// it again; refusals are never kept.</summary>
[Trait("Category", Category.Unit)]
public sealed class GatewayPlanCacheTests
{
    private static readonly TimeSpan Check = TimeSpan.FromMilliseconds(20);

    [Fact]
    public async Task A_plan_is_kept_until_the_revision_moves_then_resolved_again()
    {
        var silo = new PlanGrain { Current = 7 };
        var cache = new GatewayPlanCache(() => silo, NullLogger<GatewayPlanCache>.Instance);
        var request = Request("stats:conv_rate");

        Assert.Equal(7, (await cache.GetAsync(request)).Plan.Revision);
        // Several check periods pass and the revision is asked for, but it has not moved: no second resolution.
        await Rpc.Eventually(async () =>
        {
            await cache.GetAsync(request);
            return silo.RevisionCalls >= 3;
        }, "three revision checks");
        Assert.Equal(1, silo.Resolves);

        // An equal request in another list instance is the same shape; another feature list is not.
        await cache.GetAsync(Request("stats:conv_rate"));
        Assert.Equal(1, silo.Resolves);
        await cache.GetAsync(Request("stats:trips"));
        Assert.Equal(2, silo.Resolves);

        silo.Current = 8;
        await Rpc.Eventually(async () => (await cache.GetAsync(request)).Plan.Revision == 8, "the plan resolved at revision 8");
        Assert.Equal(8, cache.Revision);
        Assert.Equal(3, silo.Resolves);
    }

    [Fact]
    public async Task A_refusal_is_not_kept()
    {
        var silo = new PlanGrain { Current = 1, Refuse = true };
        var cache = new GatewayPlanCache(() => silo, NullLogger<GatewayPlanCache>.Instance);
        for (var i = 0; i < 2; i++)
        {
            var e = await Assert.ThrowsAsync<MlopsException>(async () => await cache.GetAsync(Request("missing_view:x")));
            Assert.Contains("missing_view", e.Message, StringComparison.Ordinal);
        }
        Assert.Equal(2, silo.Resolves);
    }

    private static OnlineFeaturesRequest Request(params string[] features) =>
        new([.. features], "", new FeatureFrame([new FrameColumn("driver_id", FeatureValueType.Int64, [1L])]), null, false);

    /// <summary>A silo's plan grain: resolves at its current revision, counting calls.</summary>
    private sealed class PlanGrain : IOnlinePlanGrain
    {
        private int _resolves;
        private int _revisionCalls;
        private long _current;

        public long Current
        {
            get => Volatile.Read(ref _current);
            set => Volatile.Write(ref _current, value);
        }
        public bool Refuse { get; init; }
        public int Resolves => Volatile.Read(ref _resolves);
        public int RevisionCalls => Volatile.Read(ref _revisionCalls);

        public Task<OnlinePlan> Resolve(IReadOnlyList<string> features, string featureService, bool fullFeatureNames)
        {
            Interlocked.Increment(ref _resolves);
            if (Refuse) throw MlopsException.NotFound($"feature view '{features[0].Split(':')[0]}' does not exist");
            return Task.FromResult(new OnlinePlan([], false, Current, 16, Check));
        }

        public Task<long> Revision()
        {
            Interlocked.Increment(ref _revisionCalls);
            return Task.FromResult(Current);
        }
    }
}
