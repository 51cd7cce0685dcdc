using System.Globalization;
using Microsoft.Extensions.Logging.Abstractions;
using MlOps.Orleans.Artifacts;
using MlOps.Orleans.Artifacts.Local;
using MlOps.Orleans.Contracts.Features;
using MlOps.Orleans.Features.Offline;
using Parquet;

namespace MlOps.Orleans.Tests.Features.Offline;

/// <summary>
/// A throwaway offline store: a local artifact store, a folder file sources may read, cache and temp folders, all under
/// one temp folder removed on dispose.
/// </summary>
public sealed class OfflineTestHost : IDisposable
{
    public OfflineTestHost(IArtifactStore? artifacts = null, int threads = 2, string memoryLimit = "512MB")
    {
        Root = Directory.CreateTempSubdirectory("mlops-offline-").FullName;
        SourceRoot = Directory.CreateDirectory(Path.Join(Root, "sources")).FullName;
        Outside = Directory.CreateDirectory(Path.Join(Root, "outside")).FullName;
        Output = Directory.CreateDirectory(Path.Join(Root, "out")).FullName;
        Artifacts = artifacts ?? new LocalArtifactStore(Path.Join(Root, "artifacts"));
        Options = new OfflineStoreOptions
        {
            CacheDirectory = Path.Join(Root, "cache"),
            TempDirectory = Path.Join(Root, "tmp"),
            SourceRoots = [SourceRoot],
            Threads = threads,
            DuckDbMemoryLimit = memoryLimit,
            RowGroupSize = 1000,
        };
        Store = new OfflineStore(Artifacts, Options, NullLogger<OfflineStore>.Instance);
    }

    public string Root { get; }

    /// <summary>The one folder <c>file:</c> sources may read.</summary>
    public string SourceRoot { get; }

    /// <summary>A folder next to the source root that no source may read.</summary>
    public string Outside { get; }

    public string Output { get; }

    public IArtifactStore Artifacts { get; }

    public OfflineStoreOptions Options { get; }

    public OfflineStore Store { get; }

    public OfflineStore WithOptions(Action<OfflineStoreOptions> change)
    {
        var options = new OfflineStoreOptions
        {
            CacheDirectory = Options.CacheDirectory, TempDirectory = Options.TempDirectory, SourceRoots = Options.SourceRoots,
            Threads = Options.Threads, DuckDbMemoryLimit = Options.DuckDbMemoryLimit, RowGroupSize = Options.RowGroupSize,
        };
        change(options);
        return new OfflineStore(Artifacts, options, NullLogger<OfflineStore>.Instance);
    }

    public string OutputPath(string name = "training.parquet") => Path.Join(Output, name);

    /// <summary>Stores <paramref name="frame"/> as a Parquet artifact under <paramref name="key"/>.</summary>
    public async Task WriteParquetArtifactAsync(string key, FeatureFrame frame)
    {
        using var bytes = new MemoryStream();
        await WriteParquetAsync(frame, bytes);
        bytes.Position = 0;
        await Artifacts.WriteAsync(key, bytes);
    }

    public async Task WriteCsvArtifactAsync(string key, string csv)
    {
        using var bytes = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(csv));
        await Artifacts.WriteAsync(key, bytes);
    }

    /// <summary>Writes <paramref name="frame"/> as a local Parquet file (for <c>file:</c> sources).</summary>
    public static async Task WriteParquetFileAsync(string path, FeatureFrame frame)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await using var file = File.Create(path);
        await WriteParquetAsync(frame, file);
    }

    public static async Task WriteParquetAsync(FeatureFrame frame, Stream output)
    {
        var fields = frame.Columns.Select(c => new FieldSpec(c.Name, c.Type)).ToList();
        var schema = ParquetColumns.Schema(fields);
        var dataFields = schema.GetDataFields();
        await using var writer = await ParquetWriter.CreateAsync(schema, output, new ParquetOptions(), append: false);
        using var group = writer.CreateRowGroup();
        for (var c = 0; c < frame.Columns.Count; c++)
        {
            var buffer = ColumnBuffer.Create(frame.Columns[c].Type, frame.RowCount);
            for (var r = 0; r < frame.RowCount; r++) buffer.Set(r, frame.Columns[c].Values[r]);
            await buffer.WriteAsync(group, dataFields[c], frame.RowCount, CancellationToken.None);
        }
    }

    /// <summary>A CSV cell as DuckDB's sniffer reads it back: empty for null, ISO timestamps with microseconds.</summary>
    public static string CsvCell(object? value) => value switch
    {
        null => "",
        DateTime t => t.ToString("yyyy-MM-dd HH:mm:ss.ffffff", CultureInfo.InvariantCulture),
        bool b => b ? "true" : "false",
        float f => f.ToString("R", CultureInfo.InvariantCulture),
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        IFormattable x => x.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    public static string Csv(FeatureFrame frame)
    {
        var sb = new System.Text.StringBuilder();
        sb.AppendLine(string.Join(',', frame.Columns.Select(c => c.Name)));
        for (var r = 0; r < frame.RowCount; r++) sb.AppendLine(string.Join(',', frame.Columns.Select(c => CsvCell(c.Values[r]))));
        return sb.ToString();
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
