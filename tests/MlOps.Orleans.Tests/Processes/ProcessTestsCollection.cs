namespace MlOps.Orleans.Tests.Processes;

/// <summary>
/// The tests that start platform processes run one class at a time and apart from the in-process tests: on a 2-core machine
/// several silos starting at once would turn readiness deadlines into a measure of CPU contention.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ProcessTestsCollection
{
    public const string Name = "Platform processes";
}
