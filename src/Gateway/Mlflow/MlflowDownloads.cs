using System.Net.Http.Headers;

namespace MlOps.Orleans.Gateway.Mlflow;

/// <summary>
/// How every MLflow download route answers with a file: the type from the name as MLflow picks it (text formats as
/// text/plain so a browser never runs them), offered as an attachment, and never sniffed from the bytes.
/// </summary>
internal static class MlflowDownloads
{
    private static readonly HashSet<string> TextExtensions = new(StringComparer.OrdinalIgnoreCase)
    {
        "txt", "log", "err", "cfg", "conf", "cnf", "cf", "ini", "properties", "prop", "hocon", "toml", "yaml", "yml", "xml",
        "json", "js", "py", "py3", "csv", "tsv", "md", "rst", "MLmodel", "MLproject",
    };

    private static readonly Microsoft.AspNetCore.StaticFiles.FileExtensionContentTypeProvider Types = new();

    public static string ContentType(string path)
    {
        var name = FileName(path);
        var dot = name.LastIndexOf('.');
        // A name without an extension (MLmodel, MLproject) is its own extension, as MLflow reads it.
        var extension = dot < 0 ? name : name[(dot + 1)..];
        if (TextExtensions.Contains(extension)) return "text/plain";
        return Types.TryGetContentType(name, out var known) ? known : "application/octet-stream";
    }

    public static IResult File(HttpContext c, Stream content, string path)
    {
        var name = FileName(path);
        c.Response.Headers.XContentTypeOptions = "nosniff";
        // A token-safe name is written bare, as MLflow writes it (clients match "attachment; filename=x"); anything else
        // quoted, with the UTF-8 form beside it.
        var disposition = new ContentDispositionHeaderValue("attachment");
        if (name.All(IsToken)) disposition.Parameters.Add(new NameValueHeaderValue("filename", name));
        else
        {
            disposition.FileName = "\"" + new string(name.Select(ch => ch is '"' or '\\' || ch > 0x7e || ch < 0x20 ? '_' : ch).ToArray()) + "\"";
            disposition.FileNameStar = name;
        }
        c.Response.Headers.ContentDisposition = disposition.ToString();
        return Results.Stream(content, ContentType(path));
    }

    private static string FileName(string path) => path[(path.LastIndexOf('/') + 1)..];

    private static bool IsToken(char ch) =>
        char.IsAsciiLetterOrDigit(ch) || "!#$%&'*+-.^_`|~".Contains(ch, StringComparison.Ordinal);
}
