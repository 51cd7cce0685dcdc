using Microsoft.Extensions.Options;

namespace MlOps.Orleans.Hosting.Settings;

/// <summary>The rules a settings class states about itself, as an options validator: every failure reported together.</summary>
internal sealed class SettingsValidator<T>(Func<T, IEnumerable<string>> validate) : IValidateOptions<T> where T : class
{
    public ValidateOptionsResult Validate(string? name, T options)
    {
        var errors = validate(options).ToList();
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
