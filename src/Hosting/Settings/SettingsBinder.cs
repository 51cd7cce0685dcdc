using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace MlOps.Orleans.Hosting.Settings;

/// <summary>
/// The one way a process binds its settings classes: read the section, apply defaults derived from other settings,
/// validate, and keep every problem. <see cref="ThrowIfInvalid"/> then names all of them at once, so a bad deployment
/// is fixed in one round, not one key per restart. Each class bound here is also registered with the options pipeline
/// (same section, same defaults, same rules, <c>ValidateOnStart</c>), so whatever is resolved from the container later is
/// the validated value.
/// </summary>
public sealed class SettingsBinder(IConfiguration configuration)
{
    private readonly List<string> _errors = [];
    private readonly List<Action<IServiceCollection>> _registrations = [];

    public IConfiguration Configuration => configuration;

    /// <summary>Every problem found so far, each naming its key.</summary>
    public IReadOnlyList<string> Errors => _errors;

    /// <summary>Binds <paramref name="section"/> onto a new <typeparamref name="T"/>, applies <paramref name="defaults"/>, collects the errors of <paramref name="validate"/>.</summary>
    public T Bind<T>(string section, Func<T, IEnumerable<string>> validate, Action<T>? defaults = null) where T : class, new()
    {
        var value = new T();
        configuration.GetSection(section).Bind(value);
        defaults?.Invoke(value);
        _errors.AddRange(validate(value));
        _registrations.Add(services =>
        {
            var builder = services.AddOptions<T>().Bind(configuration.GetSection(section));
            if (defaults is not null) builder.PostConfigure(defaults);
            builder.ValidateOnStart();
            services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<T>>(new SettingsValidator<T>(validate)));
            services.TryAddSingleton(sp => sp.GetRequiredService<IOptions<T>>().Value);
        });
        return value;
    }

    /// <summary>Throws one <see cref="InvalidOperationException"/> naming every problem, when there is any.</summary>
    public void ThrowIfInvalid()
    {
        if (_errors.Count > 0) throw new InvalidOperationException("Invalid configuration: " + string.Join("; ", _errors));
    }

    /// <summary>Validates, then registers every class bound so far (once) with the options pipeline.</summary>
    public IServiceCollection Register(IServiceCollection services)
    {
        ThrowIfInvalid();
        foreach (var register in _registrations) register(services);
        _registrations.Clear();
        return services;
    }
}
