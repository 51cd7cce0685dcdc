using Microsoft.Extensions.DependencyInjection;
using MlOps.Orleans.Contracts.Common;
using MlOps.Orleans.Contracts.Tracking;
using MlOps.Orleans.Gateway.Common;
using MlOps.Orleans.Tests.Infrastructure;
using ErrorCode = MlOps.Orleans.Contracts.Common.ErrorCode;

namespace MlOps.Orleans.Tests.Gateway;

/// <summary>
/// Ids are minted in one place for every protocol, and an experiment id collision is recognised by the refusal's field
/// (a structured signal), never by its message text.
/// </summary>
[Trait("Category", Category.Platform)]
public sealed class IdMintingTests(SqlitePlatformFixture platform) : IClassFixture<SqlitePlatformFixture>
{
    private IGrainFactory Grains => platform.Services.GetRequiredService<IGrainFactory>();

    private static CreateExperiment Named(string name) => new(name, null, new Dictionary<string, string>());

    private static string Unique(string prefix) => $"{prefix}-{Guid.NewGuid():N}";

    [Fact]
    public async Task A_taken_experiment_id_is_refused_naming_the_experiment_id_field()
    {
        var id = Ids.NewExperimentId();
        await Grains.GetGrain<IExperimentGrain>(id).Create(Named(Unique("first")));
        var refusal = await Assert.ThrowsAsync<MlopsException>(() => Grains.GetGrain<IExperimentGrain>(id).Create(Named(Unique("second"))));
        Assert.Equal(ErrorCode.AlreadyExists, refusal.Code);
        Assert.Equal(TrackingValidation.ExperimentIdField, refusal.Field);
    }

    [Fact]
    public async Task The_minter_draws_again_when_the_id_is_taken()
    {
        var taken = (await Ids.CreateExperimentAsync(Grains, Named(Unique("taken")))).ExperimentId;
        var fresh = Ids.NewExperimentId();
        var draws = new Queue<string>([taken, fresh]);
        var created = await Ids.CreateExperimentAsync(Grains, Named(Unique("next")), draws.Dequeue);
        Assert.Equal(fresh, created.ExperimentId);
    }

    [Fact]
    public async Task The_minter_does_not_retry_a_name_clash()
    {
        var name = Unique("clash");
        await Ids.CreateExperimentAsync(Grains, Named(name));
        var draws = new Queue<string>([Ids.NewExperimentId(), Ids.NewExperimentId()]);
        var refusal = await Assert.ThrowsAsync<MlopsException>(() => Ids.CreateExperimentAsync(Grains, Named(name), draws.Dequeue));
        Assert.Equal(ErrorCode.AlreadyExists, refusal.Code);
        Assert.Single(draws);
    }

    [Fact]
    public void Run_model_and_job_ids_are_32_lowercase_hex()
    {
        foreach (var id in new[] { Ids.NewRunId(), Ids.NewModelId(), Ids.NewMaterializationJobId() })
            Assert.Matches("^[0-9a-f]{32}$", id);
        Assert.InRange(long.Parse(Ids.NewExperimentId(), System.Globalization.CultureInfo.InvariantCulture), 1, (1L << 53) - 1);
    }
}
