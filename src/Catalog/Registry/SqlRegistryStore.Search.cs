using MlOps.Orleans.Catalog.Search;
using MlOps.Orleans.Catalog.Storage;
using MlOps.Orleans.Contracts.Common;
using MlOps.Orleans.Contracts.Registry;
using static MlOps.Orleans.Catalog.Search.FilterSql;

namespace MlOps.Orleans.Catalog.Registry;

public sealed partial class SqlRegistryStore
{
    public const int DefaultModelResults = 100;
    public const int MaxModelResults = 1000;
    public const int DefaultVersionResults = 10000;
    public const int MaxVersionResults = 200000;

    /// <summary>The tag MLflow marks prompts with; 2.x clients add <c>tags.`mlflow.prompt.is_prompt` != 'true'</c> to every search.</summary>
    public const string PromptTag = "mlflow.prompt.is_prompt";

    /// <summary>
    /// A tag clause over <paramref name="tagsOfRow"/> (the tag table, aliased f, joined to the searched row). A clause
    /// requires the tag, except the prompt marker's two negative forms (<c>!= 'true'</c>, <c>= 'false'</c>), which MLflow
    /// also counts true for a model or version without the tag: otherwise every 2.x client search would answer empty.
    /// </summary>
    private string TagFilter(string tagsOfRow, FilterClause f, SqlParameters p)
    {
        if (f.Key == PromptTag && f.Comparator == Comparator.NotEqual && f.Value.Text == "true")
            return $"NOT EXISTS (SELECT 1 FROM {tagsOfRow} AND f.key = {p.Add(f.Key)} AND f.value = {p.Add("true")})";
        if (f.Key == PromptTag && f.Comparator == Comparator.Equal && f.Value.Text == "false")
            return $"NOT EXISTS (SELECT 1 FROM {tagsOfRow} AND f.key = {p.Add(f.Key)} AND f.value <> {p.Add("false")})";
        return $"EXISTS (SELECT 1 FROM {tagsOfRow} AND f.key = {p.Add(f.Key)} AND {Compare("f.value", f, p)})";
    }

    public async Task<SearchModelsPage> SearchModelsAsync(SearchModelsQuery query, CancellationToken ct = default)
    {
        var limit = Limit(query.MaxResults, DefaultModelResults, MaxModelResults);
        var filters = SearchFilterParser.ParseRegisteredModelFilter(query.Filter);
        var keys = query.OrderBy.Select(SearchFilterParser.ParseRegisteredModelOrderBy).Select(o => new SortKey(o.Key switch
        {
            "name" => "m.name",
            "creation_timestamp" => "m.creation_time",
            _ => "m.last_updated_time",
        }, o.Descending, o.Key == "name" ? SortType.Text : SortType.Integer, NotNull: true)).ToList();
        if (keys.Count == 0) keys.Add(new SortKey("m.name", false, SortType.Text, NotNull: true));
        keys.Add(new SortKey("m.model_id", false, SortType.Text, NotNull: true));
        var p = new SqlParameters();
        var where = new List<string> { $"m.workspace = {p.Add(Workspace)}" };
        foreach (var f in filters)
            where.Add(f.Kind == EntityKind.Tag
                ? TagFilter("registered_model_tags f WHERE f.model_id = m.model_id", f, p)
                : Compare("m.name", f, p));
        var (ids, next) = await KeysetPageAsync("registered_models m", "m.model_id", where, keys, query.PageToken, limit, p, ct).ConfigureAwait(false);
        if (ids.Count == 0) return new SearchModelsPage([], null);
        await using var c = await _db.OpenReadAsync(ct).ConfigureAwait(false);
        var rows = (await ReadModelRowsAsync(c, $"m.model_id IN ({string.Join(", ", ids.Select((_, i) => $"@p{i}"))})", ids, ct).ConfigureAwait(false))
            .ToDictionary(r => r.ModelId);
        var tags = await ReadModelTagsAsync(c, ids, ct).ConfigureAwait(false);
        var versions = (await ReadVersionsAsync(c, $"v.model_id IN ({string.Join(", ", ids.Select((_, i) => $"@p{i}"))})", ids, "v.version", ct).ConfigureAwait(false))
            .GroupBy(v => v.ModelId).ToDictionary(g => g.Key, g => g.Select(v => v.Info).ToList());
        var models = ids.Where(rows.ContainsKey).Select(id =>
        {
            var row = rows[id];
            var mine = versions.GetValueOrDefault(id) ?? [];
            var aliases = mine.SelectMany(v => v.Aliases.Select(a => KeyValuePair.Create(a, v.Version))).ToDictionary(StringComparer.Ordinal);
            return new RegisteredModelInfo(row.ModelId, row.Name, row.Description, row.CreationTime, row.LastUpdatedTime, row.UserId,
                tags.GetValueOrDefault(id) ?? new Dictionary<string, string>(), aliases, LatestPerStage(mine));
        }).ToList();
        return new SearchModelsPage(models, next);
    }

    public async Task<SearchVersionsPage> SearchVersionsAsync(SearchVersionsQuery query, CancellationToken ct = default)
    {
        var limit = Limit(query.MaxResults, DefaultVersionResults, MaxVersionResults);
        var filters = SearchFilterParser.ParseModelVersionFilter(query.Filter);
        var keys = query.OrderBy.Select(SearchFilterParser.ParseModelVersionOrderBy).Select(o => o.Key switch
        {
            "name" => new SortKey("m.name", o.Descending, SortType.Text, NotNull: true),
            "version_number" => new SortKey("v.version", o.Descending, SortType.Integer, NotNull: true),
            "creation_timestamp" => new SortKey("v.creation_time", o.Descending, SortType.Integer, NotNull: true),
            _ => new SortKey("v.last_updated_time", o.Descending, SortType.Integer, NotNull: true),
        }).ToList();
        // MLflow's default is the most recently changed first; after any order, name ascending and then the newest
        // version break ties unless the order already named them.
        if (keys.Count == 0) keys.Add(new SortKey("v.last_updated_time", true, SortType.Integer, NotNull: true));
        if (!keys.Any(k => k.Expression == "m.name")) keys.Add(new SortKey("m.name", false, SortType.Text, NotNull: true));
        if (!keys.Any(k => k.Expression == "v.version")) keys.Add(new SortKey("v.version", true, SortType.Integer, NotNull: true));
        keys.Add(new SortKey("v.model_id", false, SortType.Text, NotNull: true));
        keys.Add(new SortKey("v.version", false, SortType.Integer, NotNull: true));
        var p = new SqlParameters();
        var where = new List<string> { $"v.workspace = {p.Add(Workspace)}" };
        foreach (var f in filters)
        {
            where.Add(f.Kind == EntityKind.Tag
                ? TagFilter("model_version_tags f WHERE f.model_id = v.model_id AND f.version = v.version", f, p)
                : f.Key switch
                {
                    "name" => Compare("m.name", f, p),
                    "run_id" => Compare("v.run_id", f, p),
                    "source_path" => Compare("v.source", f, p),
                    _ => $"v.version {Op(f.Comparator)} {p.Add((long)(f.Value.Number ?? 0))}",
                });
        }
        var (ids, next) = await KeysetPageAsync("model_versions v JOIN registered_models m ON m.model_id = v.model_id",
            $"v.model_id || ':' || {Text("v.version")}", where, keys, query.PageToken, limit, p, ct).ConfigureAwait(false);
        if (ids.Count == 0) return new SearchVersionsPage([], null);
        var order = ids.Select((id, i) => (id, i)).ToDictionary(x => x.id, x => x.i);
        await using var c = await _db.OpenReadAsync(ct).ConfigureAwait(false);
        var pairs = ids.Select(id => id.Split(':')).ToList();
        var args = pairs.SelectMany(x => new object?[] { x[0], long.Parse(x[1], System.Globalization.CultureInfo.InvariantCulture) }).ToList();
        var condition = string.Join(" OR ", pairs.Select((_, i) => $"(v.model_id = @p{2 * i} AND v.version = @p{(2 * i) + 1})"));
        var versions = await ReadVersionsAsync(c, $"({condition})", args, "v.model_id", ct).ConfigureAwait(false);
        return new SearchVersionsPage(versions.OrderBy(v => order[$"{v.ModelId}:{v.Info.Version}"]).Select(v => v.Info).ToList(), next);
    }

    /// <summary>The newest version in each stage, as MLflow's <c>latest_versions</c>.</summary>
    public static IReadOnlyList<ModelVersionInfo> LatestPerStage(IEnumerable<ModelVersionInfo> versions) =>
        versions.GroupBy(v => v.Stage).Select(g => g.MaxBy(v => v.Version)!).OrderBy(v => v.Version).ToList();

    private static int Limit(int requested, int fallback, int max)
    {
        var limit = requested <= 0 ? fallback : requested;
        if (limit > max) throw MlopsException.Invalid("max_results", $"Invalid value {limit} for parameter 'max_results' supplied. It must be at most {max}, but got value {limit}");
        return limit;
    }

    /// <summary>One keyset page of ids from <paramref name="from"/>; the token holds the last row's sort values.</summary>
    private async Task<(List<string> Ids, string? Next)> KeysetPageAsync(string from, string idExpression, List<string> where,
        IReadOnlyList<SortKey> keys, string? pageToken, int limit, SqlParameters p, CancellationToken ct)
    {
        await using var c = await _db.OpenReadAsync(ct).ConfigureAwait(false);
        return await KeysetPage.ReadAsync(c, from, idExpression, where, keys, pageToken, limit, p, ct).ConfigureAwait(false);
    }

    /// <summary>An integer column as text; the same cast in SQLite and PostgreSQL.</summary>
    private static string Text(string integerExpression) => $"CAST({integerExpression} AS TEXT)";

    private string Compare(string column, FilterClause f, SqlParameters p) => FilterSql.Compare(_db, column, f, p);
}
