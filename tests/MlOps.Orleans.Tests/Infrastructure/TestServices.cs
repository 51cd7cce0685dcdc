namespace MlOps.Orleans.Tests.Infrastructure;

/// <summary>
/// The services the test command starts (scripts/services.sh) reach the tests as MLOPS_TEST_* environment variables. A test
/// whose service is missing never passes: it fails naming the variable, or, with <see cref="AllowSkipVariable"/>=1, it is
/// reported as Skipped (which test.sh refuses under CI).
/// </summary>
public static class TestServices
{
    /// <summary>The one switch that turns "service missing" from a failure into a skip, for running part of the suite by hand.</summary>
    public const string AllowSkipVariable = "MLOPS_TEST_ALLOW_SKIP";

    public static bool SkipAllowed => Environment.GetEnvironmentVariable(AllowSkipVariable) == "1";

    /// <summary>
    /// The variable's value. Missing: throws <see cref="SkipException"/> when skipping is allowed (only a
    /// <c>[SkippableFact]</c>/<c>[SkippableTheory]</c> reports that as Skipped), else <see cref="InvalidOperationException"/>.
    /// </summary>
    public static string Require(string variable, string service)
    {
        if (Environment.GetEnvironmentVariable(variable) is { Length: > 0 } value) return value;
        var missing = $"{variable} is not set, so this {service} test cannot run. Run the suite through ./test.sh (it starts {service} " +
            $"and sets {variable}), or `source scripts/services.sh; services_start` first";
        Skip.If(SkipAllowed, $"{missing}; skipped because {AllowSkipVariable}=1.");
        throw new InvalidOperationException($"{missing}; set {AllowSkipVariable}=1 to report it as Skipped instead.");
    }
}
