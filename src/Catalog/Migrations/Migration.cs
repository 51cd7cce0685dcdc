using System.Reflection;

namespace MlOps.Orleans.Catalog.Migrations;

/// <summary>A numbered schema change; applied once, in order, recorded in <c>schema_migrations</c>.</summary>
public sealed record Migration(int Version, string Name, string Sql)
{
    /// <summary>Loads the embedded scripts of one dialect folder (<c>Sql/&lt;dialect&gt;/NNN_name.sql</c>) in version order.</summary>
    public static IReadOnlyList<Migration> Load(string dialect)
    {
        var assembly = typeof(Migration).Assembly;
        var prefix = $"{assembly.GetName().Name}.Sql.{dialect}.";
        var result = new List<Migration>();
        foreach (var resource in assembly.GetManifestResourceNames().Where(n => n.StartsWith(prefix, StringComparison.Ordinal)))
        {
            var file = resource[prefix.Length..];
            var underscore = file.IndexOf('_', StringComparison.Ordinal);
            if (underscore <= 0 || !int.TryParse(file[..underscore], out var version)) continue;
            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var reader = new StreamReader(stream);
            result.Add(new Migration(version, Path.GetFileNameWithoutExtension(file[(underscore + 1)..]), reader.ReadToEnd()));
        }
        return result.OrderBy(m => m.Version).ToList();
    }
}
