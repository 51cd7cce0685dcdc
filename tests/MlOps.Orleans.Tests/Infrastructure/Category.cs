namespace MlOps.Orleans.Tests.Infrastructure;

/// <summary>
/// The one <c>[Trait("Category", …)]</c> every test class carries, so test.sh (and a developer) can run a part of the suite:
/// <c>dotnet test --filter Category=Unit</c> needs no service at all.
/// </summary>
public static class Category
{
    /// <summary>Pure logic: no services, no sockets to outside servers, no child processes; passes with no MLOPS_TEST_* set.</summary>
    public const string Unit = "Unit";

    /// <summary>Needs the test command's PostgreSQL/Redis/Azurite, or a platform / TestingHost cluster in this process.</summary>
    public const string Platform = "Platform";

    /// <summary>Starts platform processes (or another server process) as children.</summary>
    public const string Process = "Process";

    /// <summary>Takes long: huge data, kill-and-restart, multi-process clusters. test.sh runs these on their own, serially.</summary>
    public const string Slow = "Slow";

    public static readonly IReadOnlyList<string> All = [Unit, Platform, Process, Slow];
}
