using MlOps.Orleans.Catalog;
using MlOps.Orleans.Catalog.Features;
using MlOps.Orleans.Contracts.Common;
using MlOps.Orleans.Contracts.Features;
using MlOps.Orleans.Tests.Infrastructure;
using ErrorCode = MlOps.Orleans.Contracts.Common.ErrorCode;

namespace MlOps.Orleans.Tests.Features.Catalog;

/// <summary>The catalog's feature tables on both backends: atomic applies guarded by revision, versions, training-set dedupe.</summary>
[Trait("Category", Category.Platform)]
public sealed class FeatureCatalogTests
{
    public static TheoryData<string> Backends => new() { "sqlite", "postgres" };

    private static async Task<CatalogStores> OpenAsync(string backend) => backend == "sqlite"
        ? await CatalogStores.OpenSqliteAsync(Path.Combine(Path.GetTempPath(), $"mlops-features-{Guid.NewGuid():N}.db"))
        : await CatalogStores.OpenPostgresAsync(await TestPostgres.CreateDatabaseAsync("mlops_features"));

    [Theory, MemberData(nameof(Backends))]
    public async Task Apply_writes_versions_atomically_and_refuses_a_stale_revision(string backend)
    {
        await using var store = await OpenAsync(backend);
        var catalog = store.Features;
        Assert.Equal(0, await catalog.CurrentRevisionAsync());
        var r1 = await catalog.ApplyDefinitionsAsync(0, [
            new DefinitionWrite(DefinitionKind.Entity, "driver", PlanAction.Create, 1, "d1", "{\"name\":\"driver\"}"),
            new DefinitionWrite(DefinitionKind.FeatureView, "stats", PlanAction.Create, 1, "v1", "{\"name\":\"stats\"}"),
        ], "alice", "[]");
        Assert.Equal(1, r1);

        // A stale plan changes nothing, even for the writes that would have been fine.
        var stale = await Assert.ThrowsAsync<MlopsException>(() => catalog.ApplyDefinitionsAsync(0, [
            new DefinitionWrite(DefinitionKind.FeatureView, "other", PlanAction.Create, 1, "o1", "{}"),
        ], "bob", "[]"));
        Assert.Equal(ErrorCode.FailedPrecondition, stale.Code);
        Assert.Null(await catalog.GetDefinitionAsync(DefinitionKind.FeatureView, "other", null));

        // One apply with a bad write (an update of a version that does not exist) rolls back its good writes too.
        var partial = await Assert.ThrowsAsync<MlopsException>(() => catalog.ApplyDefinitionsAsync(1, [
            new DefinitionWrite(DefinitionKind.FeatureView, "stats", PlanAction.NewVersion, 2, "v2", "{\"v\":2}"),
            new DefinitionWrite(DefinitionKind.Entity, "missing", PlanAction.Update, 1, "x", "{}"),
        ], "bob", "[]"));
        Assert.Equal(ErrorCode.FailedPrecondition, partial.Code);
        Assert.Equal(1, (await catalog.GetDefinitionAsync(DefinitionKind.FeatureView, "stats", null))!.Version);
        Assert.Equal(1, await catalog.CurrentRevisionAsync());

        Assert.Equal(2, await catalog.ApplyDefinitionsAsync(1, [
            new DefinitionWrite(DefinitionKind.FeatureView, "stats", PlanAction.NewVersion, 2, "v2", "{\"v\":2}"),
            new DefinitionWrite(DefinitionKind.Entity, "driver", PlanAction.Update, 1, "d1", "{\"name\":\"driver\",\"description\":\"x\"}"),
        ], "bob", "[]"));
        var versions = await catalog.ListVersionsAsync(DefinitionKind.FeatureView, "stats");
        Assert.Equal([1, 2], versions.Select(v => v.Version));
        Assert.Equal("{\"name\":\"stats\"}", versions[0].SpecJson);
        Assert.Equal("{\"name\":\"driver\",\"description\":\"x\"}", (await catalog.GetDefinitionAsync(DefinitionKind.Entity, "driver", 1))!.SpecJson);

        Assert.Equal(3, await catalog.ApplyDefinitionsAsync(2, [
            new DefinitionWrite(DefinitionKind.FeatureView, "stats", PlanAction.Remove, 2, "v2", "{\"v\":2}"),
        ], "bob", "[]"));
        Assert.DoesNotContain(await catalog.LatestDefinitionsAsync(false), d => d.Name == "stats");
        var removed = Assert.Single(await catalog.LatestDefinitionsAsync(true), d => d.Name == "stats");
        Assert.True(removed.Removed);
        // Old versions stay readable after removal: a training set made from them can still say what they were.
        Assert.Equal("{\"name\":\"stats\"}", (await catalog.GetDefinitionAsync(DefinitionKind.FeatureView, "stats", 1))!.SpecJson);
    }

    [Theory, MemberData(nameof(Backends))]
    public async Task Training_sets_with_the_same_digest_are_one_version(string backend)
    {
        await using var store = await OpenAsync(backend);
        var catalog = store.Features;
        var candidate = new TrainingDatasetInfo("churn", 0, "feature-store/training-sets/churn/aa.parquet", "aa", 10, 100,
            [new FieldSpec("driver_id", FeatureValueType.Int64)], [new DefinitionRef(DefinitionKind.FeatureView, "stats", 2)], "{}", 1);
        var first = await catalog.AddTrainingDatasetAsync(candidate);
        var again = await catalog.AddTrainingDatasetAsync(candidate with { CreatedAt = 2 });
        var other = await catalog.AddTrainingDatasetAsync(candidate with { Digest = "bb", ArtifactKey = "k2" });
        Assert.Equal(1, first.Version);
        Assert.Equal(1, again.Version);
        Assert.Equal(1, again.CreatedAt);
        Assert.Equal(2, other.Version);
        Assert.Equal("bb", (await catalog.GetTrainingDatasetAsync("churn", null))!.Digest);
        Assert.Equal("aa", (await catalog.GetTrainingDatasetAsync("churn", 1))!.Digest);
        Assert.Equal(FeatureValueType.Int64, first.Schema[0].Type);
        Assert.Equal(new DefinitionRef(DefinitionKind.FeatureView, "stats", 2), (await catalog.GetTrainingDatasetAsync("churn", 1))!.Lineage[0]);
        Assert.Null(await catalog.GetTrainingDatasetAsync("churn", 3));
        Assert.Equal(2, (await catalog.ListTrainingDatasetsAsync("", 10)).Count);
    }
}
