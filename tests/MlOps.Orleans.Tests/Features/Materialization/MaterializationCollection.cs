using MlOps.Orleans.Tests.Infrastructure;

namespace MlOps.Orleans.Tests.Features.Materialization;

/// <summary>One embedded platform for every materialization test class (they run one after another).</summary>
[CollectionDefinition(Name)]
public sealed class MaterializationCollection : ICollectionFixture<SqlitePlatformFixture>
{
    public const string Name = "materialization";
}
