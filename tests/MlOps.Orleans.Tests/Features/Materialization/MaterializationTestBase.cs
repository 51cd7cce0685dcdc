using Microsoft.Extensions.DependencyInjection;
using MlOps.Orleans.Artifacts;
using MlOps.Orleans.Contracts.Common;
using MlOps.Orleans.Contracts.Features.Materialization;
using MlOps.Orleans.Tests.Infrastructure;
using ErrorCode = MlOps.Orleans.Contracts.Common.ErrorCode;
using Feat = MlOps.Orleans.Protos.Features.V1;

namespace MlOps.Orleans.Tests.Features.Materialization;

/// <summary>Applies repositories over gRPC and drives materialization jobs through their grains.</summary>
public abstract class MaterializationTestBase(PlatformFixture platform)
{
    protected static readonly DateTime Day1 = DateTime.UtcNow.Date.AddDays(-10);

    protected PlatformFixture Platform { get; } = platform;

    protected IArtifactStore Store => Platform.Services.GetRequiredService<IArtifactStore>();

    protected IGrainFactory Grains => Platform.Services.GetRequiredService<IGrainFactory>();

    protected async Task ApplyAsync(MaterializationRepo repo, string ttl = "30d")
    {
        var request = new Feat.ApplyRequest();
        request.Files.Add(new Feat.RepositoryFile { Path = "repo/mat.yaml", Content = repo.Yaml(ttl) });
        await new Feat.FeatureStoreService.FeatureStoreServiceClient(Platform.Channel).ApplyAsync(request);
    }

    protected IMaterializationJobGrain Job(string id) => Grains.GetGrain<IMaterializationJobGrain>(id);

    protected async Task<MaterializationJobInfo> RunAsync(MaterializationRequest request)
    {
        var job = Job(MaterializationJobs.NewId());
        var started = await job.Start(request);
        // A job with nothing to read (incremental, already up to date) is over when Start returns.
        Assert.Contains(started.Status, new[] { MaterializationStatus.Running, MaterializationStatus.Succeeded });
        var done = await job.Wait(TimeSpan.FromSeconds(30));
        Assert.True(done.Status == MaterializationStatus.Succeeded, $"job {done.JobId} is {done.Status}: {done.Error}");
        Assert.NotNull(done.FinishedAt);
        return done;
    }

    protected static async Task<MlopsException> Refuses(ErrorCode code, Func<Task> call, params string[] mentions)
    {
        var e = await Assert.ThrowsAsync<MlopsException>(call);
        Assert.True(e.Code == code, $"expected {code}, got {e.Code}: {e.Message}");
        foreach (var m in mentions) Assert.Contains(m, e.Message, StringComparison.Ordinal);
        return e;
    }

    /// <summary>Polls the job until <paramref name="condition"/> holds; fails at the deadline.</summary>
    protected async Task<MaterializationJobInfo> PollAsync(IMaterializationJobGrain job, Func<MaterializationJobInfo, bool> condition, string what, int seconds = 30)
    {
        MaterializationJobInfo info = null!;
        await Rpc.Eventually(async () => condition(info = await job.Get()), what, seconds);
        return info;
    }
}
