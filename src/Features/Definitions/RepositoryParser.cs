using System.Runtime.CompilerServices;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;
using MlOps.Orleans.Contracts.Features;

namespace MlOps.Orleans.Features.Definitions;

/// <summary>
/// Parses the YAML files of a feature repository (format in docs/feature-repository.md). Every file may hold any of the
/// top-level lists; all problems of all files are collected, each with its file, object and line/column, and parsing goes on
/// past them so one run shows everything to fix. Semantic checks (names, references, types) are the validator's.
/// </summary>
public static class RepositoryParser
{
    /// <summary>Files beyond this are refused unread: a definition file is hand-written, and YAML parsing is not free.</summary>
    public const int MaxFileBytes = 1 << 20;

    /// <summary>
    /// The format needs five levels; deeper YAML is refused before it is loaded, because YamlDotNet builds its node tree
    /// recursively and a deeply nested file would otherwise exhaust the stack and take the process down.
    /// </summary>
    public const int MaxNesting = 32;

    public const string EntitiesKey = "entities";
    public const string SourcesKey = "sources";
    public const string FeatureViewsKey = "feature_views";
    public const string OnDemandViewsKey = "on_demand_feature_views";
    public const string FeatureServicesKey = "feature_services";

    private static readonly string[] Sections = [EntitiesKey, SourcesKey, FeatureViewsKey, OnDemandViewsKey, FeatureServicesKey];

    public static ParsedRepository Parse(IReadOnlyList<RepositoryFile> files)
    {
        ArgumentNullException.ThrowIfNull(files);
        var sink = new DefinitionErrorSink();
        var collected = new Collected();
        foreach (var file in files)
        {
            ParseFile(file, sink, collected);
        }
        collected.InheritTimestampFields();
        var repository = new FeatureRepository(
            collected.Entities, collected.Sources, collected.Views, collected.OnDemand, collected.Services);
        return new ParsedRepository(repository, sink.Errors, collected.Files);
    }

    private static void ParseFile(RepositoryFile file, DefinitionErrorSink sink, Collected into)
    {
        if (file.Content.Length > MaxFileBytes)
        {
            sink.Error(file.Path, default, "", $"the file is larger than {MaxFileBytes} bytes");
            return;
        }
        var stream = new YamlStream();
        try
        {
            if (YamlDepth.Exceeds(file.Content, MaxNesting, out var at))
            {
                sink.Error(file.Path, default, "", $"line {at.Line}, column {at.Column}: nested more than {MaxNesting} levels deep");
                return;
            }
            stream.Load(new StringReader(file.Content));
        }
        catch (YamlException e)
        {
            sink.Error(file.Path, default, "", $"line {e.Start.Line}, column {e.Start.Column}: YAML syntax error: {Message(e)}");
            return;
        }
        foreach (var document in stream.Documents)
        {
            if (YamlObjectReader.IsNull(document.RootNode))
            {
                continue;
            }
            if (document.RootNode is not YamlMappingNode root)
            {
                sink.Error(file.Path, default, "",
                    $"{YamlObjectReader.At(document.RootNode)}: a repository file must be a mapping with the lists {string.Join(", ", Sections)}");
                continue;
            }
            foreach (var (key, value) in root.Children)
            {
                var section = (key as YamlScalarNode)?.Value ?? "";
                if (!Sections.Contains(section, StringComparer.Ordinal))
                {
                    sink.Error(file.Path, default, "",
                        $"{YamlObjectReader.At(key)}: unknown top-level key '{section}'; known keys are {string.Join(", ", Sections)}");
                    continue;
                }
                ParseSection(file.Path, section, value, sink, into);
            }
        }
    }

    private static void ParseSection(string file, string section, YamlNode value, DefinitionErrorSink sink, Collected into)
    {
        var kind = section switch
        {
            EntitiesKey => DefinitionKind.Entity,
            SourcesKey => DefinitionKind.DataSource,
            FeatureViewsKey => DefinitionKind.FeatureView,
            OnDemandViewsKey => DefinitionKind.OnDemandFeatureView,
            _ => DefinitionKind.FeatureService,
        };
        if (YamlObjectReader.IsNull(value))
        {
            return;
        }
        if (value is not YamlSequenceNode items)
        {
            sink.Error(file, kind, "", $"{YamlObjectReader.At(value)}: '{section}' must be a list");
            return;
        }
        var index = 0;
        foreach (var item in items)
        {
            index++;
            var placeholder = $"{section}[{index}]";
            if (item is not YamlMappingNode mapping)
            {
                sink.Error(file, kind, placeholder, $"{YamlObjectReader.At(item)}: each item of '{section}' must be a mapping");
                continue;
            }
            var reader = new YamlObjectReader(mapping, file, kind, placeholder, sink);
            var name = reader.String("name", required: true);
            if (name.Length > 0)
            {
                reader.Name = name;
            }
            object spec = kind switch
            {
                DefinitionKind.Entity => YamlSpecReaders.Entity(reader, name),
                DefinitionKind.DataSource => YamlSpecReaders.Source(reader, name),
                DefinitionKind.FeatureView => YamlViewReaders.FeatureView(reader, name),
                DefinitionKind.OnDemandFeatureView => YamlViewReaders.OnDemand(reader, name),
                _ => YamlSpecReaders.Service(reader, name),
            };
            reader.Finish($"{DefinitionKinds.YamlName(kind)} '{reader.Name}'");
            if (name.Length > 0)
            {
                // Without a name nothing can refer to it; its error is reported, and validating it would only repeat that.
                into.Add(spec, file);
            }
        }
    }

    private static string Message(YamlException e)
    {
        // YamlDotNet prefixes positions to some messages; the position is already given, keep the reason.
        var text = e.InnerException?.Message ?? e.Message;
        var closing = text.IndexOf("): ", StringComparison.Ordinal);
        return text.StartsWith("(Line:", StringComparison.Ordinal) && closing > 0 ? text[(closing + 3)..] : text;
    }

    /// <summary>What the files define so far, with the file of each spec.</summary>
    private sealed class Collected
    {
        public List<EntitySpec> Entities { get; } = [];
        public List<DataSourceSpec> Sources { get; } = [];
        public List<FeatureViewSpec> Views { get; } = [];
        public List<OnDemandFeatureViewSpec> OnDemand { get; } = [];
        public List<FeatureServiceSpec> Services { get; } = [];
        public ConditionalWeakTable<object, string> Files { get; } = [];

        public void Add(object spec, string file)
        {
            switch (spec)
            {
                case EntitySpec e: Entities.Add(e); break;
                case DataSourceSpec s: Sources.Add(s); break;
                case FeatureViewSpec v: Views.Add(v); break;
                case OnDemandFeatureViewSpec o: OnDemand.Add(o); break;
                case FeatureServiceSpec f: Services.Add(f); break;
            }
            Files.AddOrUpdate(spec, file);
        }

        /// <summary>
        /// A view that reads one source directly has that source's timestamp columns; copied here, once every file is read,
        /// so the stored view says which columns it uses even if the source later changes.
        /// </summary>
        public void InheritTimestampFields()
        {
            for (var i = 0; i < Views.Count; i++)
            {
                var view = Views[i];
                if (view.Source.Length == 0 || view.TimestampField.Length > 0)
                {
                    continue;
                }
                var source = Sources.FirstOrDefault(s => s.Name == view.Source);
                if (source is null)
                {
                    continue;
                }
                var file = Files.TryGetValue(view, out var f) ? f : "";
                Views[i] = view with
                {
                    TimestampField = source.TimestampField,
                    CreatedTimestampField = source.CreatedTimestampField,
                };
                Files.AddOrUpdate(Views[i], file);
            }
        }
    }
}
