using MlOps.Orleans.Tests.Infrastructure;

namespace MlOps.Orleans.Tests.Architecture;

/// <summary>
/// The arrows that must never exist (docs/architecture.md): a gateway is a plain Orleans client, so it holds no catalog,
/// no grain classes and no feature engine; contracts and hosting depend on nothing that would pull those in.
/// </summary>
[Trait("Category", Category.Unit)]
public sealed class ProjectGraphTests
{
    public static TheoryData<string, string> ForbiddenArrows => new()
    {
        { "Gateway", "Catalog" },
        { "Gateway", "Grains" },
        { "Gateway", "Features" },
        { "Hosting", "Catalog" },
        { "Hosting", "Grains" },
        { "Hosting", "Features" },
        { "Grains.Interfaces", "Catalog" },
        { "Grains.Interfaces", "Grains" },
        { "Grains.Interfaces", "Protos" },
        { "Client", "Grains" },
        { "Client", "Catalog" },
    };

    [Theory]
    [MemberData(nameof(ForbiddenArrows))]
    public void A_project_does_not_reach_a_forbidden_one_directly_or_transitively(string from, string to)
    {
        Assert.True(ProjectGraph.References.ContainsKey(from), $"no project src/{from}");
        Assert.True(ProjectGraph.References.ContainsKey(to), $"no project src/{to}");
        var path = ProjectGraph.PathBetween(from, to);
        Assert.True(path is null, $"{from} reaches {to}: {string.Join(" -> ", path ?? [])}");
    }

    [Fact]
    public void The_built_gateway_carries_no_catalog_grains_or_feature_engine()
    {
        var carried = ProjectGraph.BuiltDependencies("Gateway");
        Assert.Contains("MlOps.Orleans.Hosting", carried);
        foreach (var forbidden in new[] { "MlOps.Orleans.Catalog", "MlOps.Orleans.Grains", "MlOps.Orleans.Features" })
            Assert.DoesNotContain(forbidden, carried);
    }

    [Fact]
    public void Silo_and_gateway_share_the_hosting_project()
    {
        Assert.Contains("Hosting", ProjectGraph.References["Silo"]);
        Assert.Contains("Hosting", ProjectGraph.References["Gateway"]);
    }
}
