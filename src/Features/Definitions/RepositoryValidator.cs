using MlOps.Orleans.Contracts.Features;
namespace MlOps.Orleans.Features.Definitions;

/// <summary>
/// Validates a whole feature repository and reports every error at once, each with its file, object and reason: names,
/// duplicates, references, types, ttl, source paths, SQL views (bound in a sandboxed DuckDB), on-demand expressions
/// (compiled) and cycles. Nothing here reads feature data; columns of sources without a declared schema are checked at
/// retrieval, and a warning says so.
/// </summary>
public static class RepositoryValidator
{
    /// <summary>Validates a parsed repository; its parse errors come first in the result.</summary>
    public static RepositoryValidation Validate(ParsedRepository parsed, IReadOnlyList<string> allowedFileRoots)
    {
        ArgumentNullException.ThrowIfNull(parsed);
        var result = Validate(parsed.Repository, allowedFileRoots, parsed.FileOf);
        return result with { Errors = [.. parsed.Errors, .. result.Errors] };
    }

    /// <summary>
    /// Validates <paramref name="repository"/>. <paramref name="allowedFileRoots"/> are the directories <c>file:</c> sources
    /// may read from (none: <c>file:</c> is refused); <paramref name="fileOf"/> names the file of a spec for error messages.
    /// </summary>
    public static RepositoryValidation Validate(
        FeatureRepository repository, IReadOnlyList<string> allowedFileRoots, Func<object, string>? fileOf = null)
    {
        ArgumentNullException.ThrowIfNull(repository);
        ArgumentNullException.ThrowIfNull(allowedFileRoots);
        var context = new ValidationContext(repository, fileOf ?? (_ => ""), allowedFileRoots);
        CheckNamesAndDuplicates(context);
        foreach (var entity in repository.Entities)
        {
            CheckEntity(context, entity);
        }
        foreach (var source in repository.Sources)
        {
            SourceChecks.Check(context, source);
        }
        FeatureViewChecks.CheckAll(context);
        OnDemandChecks.CheckAll(context);
        foreach (var service in repository.Services)
        {
            CheckService(context, service);
        }
        return new RepositoryValidation(context.Sink.Errors, context.Sink.Warnings);
    }

    private static void CheckNamesAndDuplicates(ValidationContext context)
    {
        var repository = context.Repository;
        IEnumerable<object>[] kinds =
        [
            repository.Entities, repository.Sources, repository.FeatureViews, repository.OnDemandViews, repository.Services,
        ];
        foreach (var specs in kinds)
        {
            var firstFile = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var spec in specs)
            {
                var name = DefinitionJson.NameOf(spec);
                if (!DefinitionNames.IsValid(name))
                {
                    context.Error(spec, "is not a valid name (letters, digits and '_', not starting with a digit, at most 128)");
                }
                else if (!firstFile.TryAdd(name, context.FileOf(spec)))
                {
                    var where = Where(firstFile[name], context.FileOf(spec));
                    context.Error(spec, $"is defined more than once{where}");
                }
            }
        }
        // Views and on-demand views share one namespace: a feature reference "view:feature" must name one of them.
        foreach (var onDemand in repository.OnDemandViews.Where(o => context.Views.ContainsKey(o.Name)))
        {
            context.Error(onDemand, $"has the same name as feature view '{onDemand.Name}'; view names must be unique across both kinds");
        }
    }

    private static string Where(string first, string second) =>
        first.Length == 0 && second.Length == 0 ? "" : first == second ? $" (twice in {first})" : $" (in {first} and {second})";

    private static void CheckEntity(ValidationContext context, EntitySpec entity)
    {
        if (entity.JoinKeys.Count == 0)
        {
            context.Error(entity, "has no join keys");
        }
        FieldChecks.Check(context, entity, entity.JoinKeys, "join key");
    }

    private static void CheckService(ValidationContext context, FeatureServiceSpec service)
    {
        if (service.Projections.Count == 0)
        {
            context.Error(service, "has no features");
        }
        var outputs = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var projection in service.Projections)
        {
            var features = context.FeaturesOf(projection.View);
            var label = projection.Version is { } v ? $"{projection.View}@v{v}" : projection.View;
            if (features is null)
            {
                context.Error(service, $"names unknown view '{label}'");
                continue;
            }
            var selected = projection.Features.Count == 0 ? features.Select(f => f.Name).ToList() : projection.Features;
            foreach (var feature in selected)
            {
                // A pinned older version may have had other features; only the current definition can be checked here.
                if (projection.Version is null && FieldChecks.Find(features, feature) is null)
                {
                    context.Error(service, $"names unknown feature '{feature}' of view '{label}'");
                }
                else if (!outputs.TryAdd(feature, label))
                {
                    context.Error(service, $"has feature '{feature}' twice (from '{outputs[feature]}' and '{label}'); each output name must be unique");
                }
            }
        }
    }
}
