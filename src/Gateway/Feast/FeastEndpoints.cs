using MlOps.Orleans.Gateway.Common;
using System.Text.Json;
using MlOps.Orleans.Contracts.Common;
using MlOps.Orleans.Contracts.Features;
using MlOps.Orleans.Contracts.Features.Materialization;
using MlOps.Orleans.Contracts.Features.Online;
using ErrorCode = MlOps.Orleans.Contracts.Common.ErrorCode;

namespace MlOps.Orleans.Gateway.Feast;

/// <summary>
/// Feast's feature server HTTP API (<c>feast serve</c>) over the same grains as gRPC: thin handlers that read Feast's JSON,
/// call a grain and write Feast's JSON back. Errors are FastAPI's shape, <c>{"detail": "..."}</c>, with an HTTP status per kind.
/// </summary>
internal static class FeastEndpoints
{
    private const long MaxBody = 64L * 1024 * 1024;

    public static WebApplication MapFeast(this WebApplication app)
    {
        app.MapPost("/get-online-features", (Delegate)((HttpContext c) => RunAsync(c, GetOnlineFeaturesAsync)));
        app.MapPost("/push", (Delegate)((HttpContext c) => RunAsync(c, PushAsync)));
        app.MapPost("/write-to-online-store", (Delegate)((HttpContext c) => RunAsync(c, WriteToOnlineStoreAsync)));
        app.MapPost("/materialize", (Delegate)((HttpContext c) => RunAsync(c, (ctx, body) => MaterializeAsync(ctx, body, incremental: false))));
        app.MapPost("/materialize-incremental", (Delegate)((HttpContext c) => RunAsync(c, (ctx, body) => MaterializeAsync(ctx, body, incremental: true))));
        return app;
    }

    private static IOnlineFeatureGrain Online(HttpContext c) => c.RequestServices.GetRequiredService<IClusterClient>().GetGrain<IOnlineFeatureGrain>(0);

    private static IFeatureQueryGrain Query(HttpContext c) => c.RequestServices.GetRequiredService<IClusterClient>().GetGrain<IFeatureQueryGrain>(0);

    private static async Task GetOnlineFeaturesAsync(HttpContext context, JsonElement body)
    {
        var features = body.TryGetProperty("features", out var f) ? Strings(f, "features") : [];
        var service = body.TryGetProperty("feature_service", out var s) && s.ValueKind == JsonValueKind.String ? s.GetString()! : "";
        if (!body.TryGetProperty("entities", out var entities)) throw MlopsException.Invalid("entities", "entities are required: {\"join_key\": [values]}");
        var requestContext = body.TryGetProperty("request_context", out var rc) && rc.ValueKind == JsonValueKind.Object ? FeastJson.Frame(rc, "request_context") : null;
        var fullNames = body.TryGetProperty("full_feature_names", out var full) && full.ValueKind == JsonValueKind.True;
        var result = await context.RequestServices.GetRequiredService<IOnlineFeatureReader>().GetOnlineFeatures(new OnlineFeaturesRequest(features, service, FeastJson.Frame(entities, "entities"), requestContext, fullNames));

        context.Response.ContentType = "application/json";
        await using var writer = new Utf8JsonWriter(context.Response.Body);
        writer.WriteStartObject();
        writer.WriteStartObject("metadata");
        writer.WriteStartArray("feature_names");
        foreach (var column in result.Columns) writer.WriteStringValue(column.Name);
        writer.WriteEndArray();
        writer.WriteEndObject();
        writer.WriteStartArray("results");
        foreach (var column in result.Columns)
        {
            writer.WriteStartObject();
            writer.WriteStartArray("values");
            foreach (var v in column.Values) FeastJson.Write(writer, v);
            writer.WriteEndArray();
            writer.WriteStartArray("statuses");
            foreach (var st in column.Statuses) writer.WriteStringValue(StatusName(st));
            writer.WriteEndArray();
            writer.WriteStartArray("event_timestamps");
            foreach (var t in column.EventTimestamps) FeastJson.Write(writer, DateTime.UnixEpoch.AddTicks(t * 10));
            writer.WriteEndArray();
            writer.WriteEndObject();
        }
        writer.WriteEndArray();
        writer.WriteEndObject();
        await writer.FlushAsync(context.RequestAborted);
    }

    private static async Task PushAsync(HttpContext context, JsonElement body)
    {
        var source = RequiredString(body, "push_source_name");
        // Feast's default target is the online store.
        var to = (body.TryGetProperty("to", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : "online") switch
        {
            "online" => PushTarget.Online,
            "offline" => PushTarget.Offline,
            "online_and_offline" => PushTarget.OnlineAndOffline,
            var other => throw MlopsException.Invalid("to", $"to must be \"online\", \"offline\" or \"online_and_offline\", not \"{other}\""),
        };
        var definition = await Query(context).GetDefinition(DefinitionKind.DataSource, source, null);
        var spec = (DataSourceSpec)definition.Spec;
        var schema = spec.Schema.ToDictionary(c => c.Name, c => c.Type, StringComparer.Ordinal);
        schema[spec.TimestampField] = FeatureValueType.Timestamp;
        if (spec.CreatedTimestampField.Length > 0) schema[spec.CreatedTimestampField] = FeatureValueType.Timestamp;
        if (!body.TryGetProperty("df", out var df)) throw MlopsException.Invalid("df", "df is required: {\"column\": [values]}");
        var outcome = await Online(context).Push(source, FeastJson.Frame(df, "df", schema), to);
        await WriteJsonAsync(context, new { rows = outcome.Rows });
    }

    private static async Task WriteToOnlineStoreAsync(HttpContext context, JsonElement body)
    {
        var viewName = RequiredString(body, "feature_view_name");
        var query = Query(context);
        var view = (FeatureViewSpec)(await query.GetDefinition(DefinitionKind.FeatureView, viewName, null)).Spec;
        var schema = view.Schema.ToDictionary(c => c.Name, c => c.Type, StringComparer.Ordinal);
        foreach (var entity in view.Entities)
        {
            foreach (var key in ((EntitySpec)(await query.GetDefinition(DefinitionKind.Entity, entity, null)).Spec).JoinKeys) schema[key.Name] = key.Type;
        }
        schema[view.TimestampField.Length > 0 ? view.TimestampField : "event_timestamp"] = FeatureValueType.Timestamp;
        if (view.CreatedTimestampField.Length > 0) schema[view.CreatedTimestampField] = FeatureValueType.Timestamp;
        if (!body.TryGetProperty("df", out var df)) throw MlopsException.Invalid("df", "df is required: {\"column\": [values]}");
        var rows = await Online(context).WriteToOnlineStore(viewName, FeastJson.Frame(df, "df", schema));
        await WriteJsonAsync(context, new { rows });
    }

    /// <summary>Like <c>feast serve</c>: answers when the job is done; a failed job is an error naming what failed.</summary>
    private static async Task MaterializeAsync(HttpContext context, JsonElement body, bool incremental)
    {
        var views = body.TryGetProperty("feature_views", out var v) && v.ValueKind != JsonValueKind.Null ? Strings(v, "feature_views") : [];
        var end = Time(body, "end_ts") ?? throw MlopsException.Invalid("end_ts", "end_ts is required (ISO-8601)");
        DateTime? start = incremental ? null : Time(body, "start_ts") ?? throw MlopsException.Invalid("start_ts", "start_ts is required (ISO-8601)");
        var job = context.RequestServices.GetRequiredService<IClusterClient>().GetGrain<IMaterializationJobGrain>(Ids.NewMaterializationJobId());
        var info = await job.Start(new MaterializationRequest(views, start, end, incremental));
        if (!info.IsFinal) info = await job.Wait(TimeSpan.FromMinutes(10));
        if (info.Status == MaterializationStatus.Failed) throw new MlopsException(ErrorCode.FailedPrecondition, $"materialization job {info.JobId} failed: {info.Error}");
        await WriteJsonAsync(context, new
        {
            job_id = info.JobId, status = info.Status.ToString().ToUpperInvariant(),
            feature_views = info.Views.Select(p => new { name = p.View, version = p.Version, start = p.Start, end = p.End, rows = p.RowsWritten }),
        });
    }

    private static DateTime? Time(JsonElement body, string name)
    {
        if (!body.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null) return null;
        return v.ValueKind == JsonValueKind.String && DateTimeOffset.TryParse(v.GetString(), System.Globalization.CultureInfo.InvariantCulture,
            System.Globalization.DateTimeStyles.AssumeUniversal | System.Globalization.DateTimeStyles.AdjustToUniversal, out var t)
            ? t.UtcDateTime
            : throw MlopsException.Invalid(name, $"{name} must be an ISO-8601 time, not {v.GetRawText()}");
    }

    // Errors are not caught here: HttpErrorMiddleware answers them in FastAPI's shape (FeastErrors), the one error path for Feast.
    private static async Task<IResult> RunAsync(HttpContext context, Func<HttpContext, JsonElement, Task> handler)
    {
        if (context.Request.ContentLength > MaxBody) throw new MlopsException(ErrorCode.ResourceExhausted, $"request body over {MaxBody >> 20} MiB");
        JsonDocument document;
        try
        {
            document = await JsonDocument.ParseAsync(context.Request.Body, default, context.RequestAborted);
        }
        catch (JsonException e)
        {
            throw MlopsException.Invalid("body", $"the body is not JSON: {e.Message}");
        }
        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object) throw MlopsException.Invalid("body", "the body must be a JSON object");
            await handler(context, document.RootElement);
        }
        return Results.Empty;
    }

    private static Task WriteJsonAsync<T>(HttpContext context, T value) => context.Response.WriteAsJsonAsync(value, context.RequestAborted);

    private static string RequiredString(JsonElement body, string name) =>
        body.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String && v.GetString() is { Length: > 0 } s
            ? s : throw MlopsException.Invalid(name, $"{name} is required");

    private static List<string> Strings(JsonElement array, string field)
    {
        if (array.ValueKind != JsonValueKind.Array) throw MlopsException.Invalid(field, $"{field} must be an array of strings");
        return array.EnumerateArray().Select((e, i) => e.ValueKind == JsonValueKind.String ? e.GetString()! : throw MlopsException.Invalid(field, $"{field}[{i}] must be a string")).ToList();
    }

    private static string StatusName(FeatureStatus status) => status switch
    {
        FeatureStatus.Present => "PRESENT",
        FeatureStatus.NullValue => "NULL_VALUE",
        FeatureStatus.NotFound => "NOT_FOUND",
        FeatureStatus.OutsideMaxAge => "OUTSIDE_MAX_AGE",
        _ => "INVALID",
    };
}
