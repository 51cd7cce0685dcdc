using System.Text;
using MlOps.Orleans.Contracts.Features;
using MlOps.Orleans.Features.Definitions;
using MlOps.Orleans.Tests.Infrastructure;

namespace MlOps.Orleans.Tests.Features.Definitions;

/// <summary>YAML that tries to make the parser do exponential work is refused or read as written, never expanded.</summary>
[Trait("Category", Category.Unit)]
public sealed class HostileYamlTests
{
    [Fact]
    public void Nested_aliases_are_not_expanded()
    {
        // Each level refers to the previous one ten times: expanding it would mean 10^9 scalars.
        var yaml = new StringBuilder("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for (var i = 1; i <= 9; i++) yaml.Append($"a{i}: &a{i} [{string.Join(", ", Enumerable.Repeat($"*a{i - 1}", 10))}]\n");
        yaml.Append("entities: *a9\nfeature_views:\n  - name: v\n    tags: *a9\n    schema: *a9\n");
        var parsed = RepositoryParser.Parse([new RepositoryFile("bomb.yaml", yaml.ToString())]);
        Assert.NotEmpty(parsed.Errors);
        Assert.All(parsed.Errors, e => Assert.Equal("bomb.yaml", e.File));
        Assert.True(parsed.Errors.Count < 1000, $"{parsed.Errors.Count} errors: the aliases were expanded");
    }
}
