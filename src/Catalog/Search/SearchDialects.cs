namespace MlOps.Orleans.Catalog.Search;

/// <summary>The identifier vocabularies of each search surface, matching MLflow 2.x.</summary>
internal static class SearchDialects
{
    private const string Attribute = "attribute";

    public static SearchDialect RunFilter { get; } = new(
        RunPrefixes(includeDatasets: true), RunAttributes(), RunAttributeNames, DatasetFields());

    // MLflow cannot order runs by dataset fields.
    public static SearchDialect RunOrderBy { get; } = new(
        RunPrefixes(includeDatasets: false), RunAttributes(), RunAttributeNames);

    public static SearchDialect ExperimentFilter { get; } = new(
        Prefixes((EntityKind.Attribute, ["attribute", "attributes"]), (EntityKind.Tag, ["tags", "tag"])),
        Rules(
            FieldRule.Text(EntityKind.Attribute, "name", Attribute),
            FieldRule.Numeric(EntityKind.Attribute, "creation_time", Attribute),
            FieldRule.Numeric(EntityKind.Attribute, "last_update_time", Attribute)),
        "name, creation_time, last_update_time");

    public static SearchDialect ExperimentOrderBy { get; } = new(
        Prefixes((EntityKind.Attribute, ["attribute", "attributes"])),
        Rules(
            FieldRule.Text(EntityKind.Attribute, "name", Attribute),
            FieldRule.Text(EntityKind.Attribute, "experiment_id", Attribute),
            FieldRule.Numeric(EntityKind.Attribute, "creation_time", Attribute),
            FieldRule.Numeric(EntityKind.Attribute, "last_update_time", Attribute)),
        "name, experiment_id, creation_time, last_update_time");

    public static SearchDialect RegisteredModelFilter { get; } = new(
        Prefixes((EntityKind.Tag, ["tags", "tag"])),
        Rules(FieldRule.Text(EntityKind.Attribute, "name", Attribute)),
        "name");

    public static SearchDialect RegisteredModelOrderBy { get; } = new(
        Prefixes((EntityKind.Attribute, ["attribute", "attributes"])),
        ModelTimeRules(FieldRule.Text(EntityKind.Attribute, "name", Attribute)),
        "name, creation_timestamp, last_updated_timestamp");

    public static SearchDialect ModelVersionFilter { get; } = new(
        Prefixes((EntityKind.Tag, ["tags", "tag"])),
        Rules(
            FieldRule.Text(EntityKind.Attribute, "name", Attribute),
            FieldRule.TextOrList(EntityKind.Attribute, "run_id", Attribute),
            FieldRule.Numeric(EntityKind.Attribute, "version_number", Attribute),
            FieldRule.Text(EntityKind.Attribute, "source_path", Attribute)),
        "name, run_id, version_number, source_path");

    public static SearchDialect ModelVersionOrderBy { get; } = new(
        Prefixes((EntityKind.Attribute, ["attribute", "attributes"])),
        ModelTimeRules(
            FieldRule.Text(EntityKind.Attribute, "name", Attribute),
            FieldRule.Numeric(EntityKind.Attribute, "version_number", Attribute)),
        "name, version_number, creation_timestamp, last_updated_timestamp");

    // MLflow 3's logged models: attributes are the table's columns, timestamps under three spellings each.
    public static SearchDialect LoggedModelFilter { get; } = new(
        Prefixes((EntityKind.Attribute, ["attributes", "attribute"]), (EntityKind.Metric, ["metrics", "metric"]),
            (EntityKind.Param, ["params", "param"]), (EntityKind.Tag, ["tags", "tag"])),
        Rules(
            FieldRule.TextOrList(EntityKind.Attribute, "model_id", Attribute),
            FieldRule.TextOrList(EntityKind.Attribute, "name", Attribute),
            FieldRule.TextOrList(EntityKind.Attribute, "model_type", Attribute),
            FieldRule.TextOrList(EntityKind.Attribute, "source_run_id", Attribute),
            FieldRule.TextOrList(EntityKind.Attribute, "status", Attribute),
            FieldRule.Text(EntityKind.Attribute, "status_message", Attribute),
            FieldRule.Numeric(EntityKind.Attribute, "creation_timestamp", Attribute),
            FieldRule.Numeric(EntityKind.Attribute, "creation_timestamp_ms", Attribute),
            FieldRule.Numeric(EntityKind.Attribute, "creation_time", Attribute),
            FieldRule.Numeric(EntityKind.Attribute, "last_updated_timestamp", Attribute),
            FieldRule.Numeric(EntityKind.Attribute, "last_updated_timestamp_ms", Attribute)),
        "model_id, name, model_type, source_run_id, status, status_message, creation_timestamp, last_updated_timestamp", keyedListsAllowed: true);

    // MLflow accepts "timestamp" for last_updated_timestamp when ordering registry searches.
    private static Dictionary<string, FieldRule> ModelTimeRules(params FieldRule[] rules)
    {
        var updated = FieldRule.Numeric(EntityKind.Attribute, "last_updated_timestamp", Attribute);
        var result = Rules([.. rules, FieldRule.Numeric(EntityKind.Attribute, "creation_timestamp", Attribute), updated]);
        result.Add("timestamp", updated);
        return result;
    }

    private const string RunAttributeNames = "run_id, run_name, status, user_id, artifact_uri, start_time, end_time, created";

    private static Dictionary<string, EntityKind> RunPrefixes(bool includeDatasets)
    {
        var prefixes = Prefixes(
            (EntityKind.Metric, ["metrics", "metric"]),
            (EntityKind.Param, ["params", "param", "parameters", "parameter"]),
            (EntityKind.Tag, ["tags", "tag"]),
            (EntityKind.Attribute, ["attributes", "attribute", "attr", "run"]));
        if (includeDatasets)
        {
            prefixes.Add("datasets", EntityKind.Dataset);
            prefixes.Add("dataset", EntityKind.Dataset);
        }

        return prefixes;
    }

    // Aliases are MLflow's: "created"/"Created" for start_time, and the UI's "run name" spellings for run_name.
    private static Dictionary<string, FieldRule> RunAttributes()
    {
        var startTime = FieldRule.Numeric(EntityKind.Attribute, "start_time", Attribute);
        var runName = FieldRule.Text(EntityKind.Attribute, "run_name", Attribute);
        var rules = Rules(
            FieldRule.TextOrList(EntityKind.Attribute, "run_id", Attribute),
            runName,
            FieldRule.Text(EntityKind.Attribute, "status", Attribute),
            FieldRule.Text(EntityKind.Attribute, "user_id", Attribute),
            FieldRule.Text(EntityKind.Attribute, "artifact_uri", Attribute),
            startTime,
            FieldRule.Numeric(EntityKind.Attribute, "end_time", Attribute));
        rules.Add("created", startTime);
        rules.Add("Created", startTime);
        rules.Add("run name", runName);
        rules.Add("Run name", runName);
        rules.Add("Run Name", runName);
        return rules;
    }

    private static Dictionary<string, FieldRule> DatasetFields() => Rules(
        FieldRule.TextOrList(EntityKind.Dataset, "name", "dataset field"),
        FieldRule.TextOrList(EntityKind.Dataset, "digest", "dataset field"),
        FieldRule.TextOrList(EntityKind.Dataset, "context", "dataset field"));

    private static Dictionary<string, EntityKind> Prefixes(params (EntityKind Kind, string[] Spellings)[] groups) =>
        groups.SelectMany(g => g.Spellings.Select(s => (s, g.Kind))).ToDictionary(p => p.s, p => p.Kind, StringComparer.Ordinal);

    private static Dictionary<string, FieldRule> Rules(params FieldRule[] rules) =>
        rules.ToDictionary(r => r.Key, StringComparer.Ordinal);
}
