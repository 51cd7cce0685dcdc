using MlOps.Orleans.Contracts.Common;
using MlOps.Orleans.Contracts.Features;

namespace MlOps.Orleans.Features.Offline;

/// <summary>
/// Builds a job's query inside a session: loads the entity rows, creates one relation per view (checking its SQL, columns
/// and types, each error naming the view), binds on-demand inputs to streamed columns (fetching view features and request
/// fields they need as hidden columns) and lays out the columns of the training set.
/// </summary>
internal static class RetrievalPlanner
{
    public static RetrievalQuery Plan(DuckDbSession session, RetrievalJob job, IReadOnlyDictionary<string, ResolvedSource> sources,
        string? entityFile, CancellationToken ct)
    {
        var entities = EntityRelation.Load(session, job.EntityRows, entityFile, ct);
        var views = job.Views.Select((v, i) => new ViewRelation(i, v, job, entities)).ToList();

        var columns = entities.Columns.Select(c => new ReaderColumn(new FieldSpec(c.Name, c.Type), true)).ToList();
        var selectedOrdinal = new Dictionary<ViewFeature, int>();
        foreach (var view in views)
        {
            for (var i = 0; i < view.Selected.Count; i++)
            {
                selectedOrdinal.TryAdd(view.Selected[i], columns.Count);
                columns.Add(new ReaderColumn(new FieldSpec(view.Selection.Features[i].OutputName, view.Selected[i].Field.Type), true));
            }
        }

        var hiddenSources = new List<Func<RetrievalQuery, string>>();
        var hiddenOrdinal = new Dictionary<object, int>();
        int Hidden(object identity, FieldSpec field, Func<RetrievalQuery, string> sql)
        {
            if (hiddenOrdinal.TryGetValue(identity, out var existing)) return existing;
            hiddenSources.Add(sql);
            columns.Add(new ReaderColumn(field, false));
            return hiddenOrdinal[identity] = columns.Count - 1;
        }

        var bindings = new List<OnDemandBinding>();
        foreach (var selection in job.OnDemand)
        {
            var spec = selection.View.Spec;
            var inputs = new int[selection.View.InputNames.Count];
            for (var i = 0; i < inputs.Length; i++)
            {
                var name = selection.View.InputNames[i];
                var request = spec.RequestSchema.FirstOrDefault(f => f.Name == name);
                if (request is not null)
                {
                    var column = entities.Find(name) ?? throw MlopsException.Invalid("entity_rows",
                        $"on-demand view '{spec.Name}' needs request field '{name}', which the entity rows do not have");
                    var ordinal = entities.Columns.ToList().IndexOf(column);
                    inputs[i] = column.DuckDbType == FeatureTypes.DuckDbType(request.Type)
                        ? ordinal
                        : Hidden(("request", column.Name, request.Type), request,
                            _ => ValueCasts.To($"e.{SqlText.Id(column.Name)}", column.DuckDbType, request.Type, $"request field '{name}'", column.Name));
                    continue;
                }
                var (view, feature) = FindViewFeature(views, spec.Name, name);
                inputs[i] = selectedOrdinal.TryGetValue(feature, out var selected)
                    ? selected
                    : Hidden(feature, feature.Field, q => q.FeatureExpression(view, feature));
            }
            var outputs = selection.Outputs.Select(o =>
            {
                var index = selection.View.Outputs.ToList().FindIndex(f => f.Name == o.Name);
                return index >= 0 ? index : throw MlopsException.Invalid("features", $"on-demand view '{spec.Name}' has no output '{o.Name}'");
            }).ToArray();
            bindings.Add(new OnDemandBinding(selection, inputs, outputs));
        }

        RetrievalQuery.CheckUniqueNames(columns.Where(c => c.Written).Select(c => c.Field.Name)
            .Concat(job.OnDemand.SelectMany(s => s.Outputs.Select(o => o.OutputName))));

        entities.Create(session, job.EventTimestampColumn, ct);
        var sourceTables = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var view in views.Where(v => v.Features.Count > 0)) view.Create(session, job, sources, sourceTables, ct);

        // Hidden view features are written in the query's own terms (its plan per view), so they are rendered once it exists.
        var hidden = new List<string>();
        var query = new RetrievalQuery(entities, views, bindings, hidden, columns, job.FilterByCreatedTimestamp);
        hidden.AddRange(hiddenSources.Select(h => h(query)));
        query.CreateExactMatches(session, ct);
        return query;
    }

    /// <summary>Resolves <c>view__feature</c> against the job's views; the longest matching view name wins, then the first selection.</summary>
    private static (ViewRelation View, ViewFeature Feature) FindViewFeature(List<ViewRelation> views, string onDemand, string input)
    {
        foreach (var view in views.OrderByDescending(v => v.Selection.View.Name.Length))
        {
            var prefix = view.Selection.View.Name + "__";
            if (!input.StartsWith(prefix, StringComparison.Ordinal)) continue;
            var feature = input[prefix.Length..];
            if (view.Selection.View.Schema.Any(f => f.Name == feature)) return (view, view.Feature(feature));
        }
        throw MlopsException.Invalid("features",
            $"on-demand view '{onDemand}' reads '{input}', which is neither a request field nor a feature of a view in the job");
    }
}
