using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using MlOps.Orleans.Tests.Infrastructure;
using Feat = MlOps.Orleans.Protos.Features.V1;

namespace MlOps.Orleans.Tests.Features.Online.Retrieval;

/// <summary>Feast's feature-server HTTP shapes over real sockets: push, write-to-online-store, get-online-features, errors.</summary>
[Trait("Category", Category.Platform)]
public sealed class FeastHttpTests(SqlitePlatformFixture platform) : IClassFixture<SqlitePlatformFixture>
{
    private readonly HttpClient _http = platform.Http;

    private async Task<OnlineRepo> ApplyAsync()
    {
        var repo = OnlineRepo.New();
        var request = new Feat.ApplyRequest();
        request.Files.Add(new Feat.RepositoryFile { Path = "online.yaml", Content = repo.Yaml });
        await new Feat.FeatureStoreService.FeatureStoreServiceClient(platform.Channel).ApplyAsync(request);
        return repo;
    }

    private async Task<(HttpStatusCode Status, JsonElement Body)> PostAsync(string path, string json)
    {
        using var response = await _http.PostAsync(path, new StringContent(json, Encoding.UTF8, "application/json"));
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone());
    }

    [Fact]
    public async Task Push_then_get_online_features_in_Feast_shapes()
    {
        var repo = await ApplyAsync();
        var at = DateTime.UtcNow.AddMinutes(-5).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);
        var (pushed, _) = await PostAsync("/push", $$$"""
            {"push_source_name": "{{{repo.Push}}}", "to": "online",
             "df": {"driver_id": [1001, 1002], "conv_rate": [0.5, null], "trips": [3, 30], "label": ["a", "b"],
                    "event_timestamp": ["{{{at}}}", "{{{at}}}"], "created": ["{{{at}}}", "{{{at}}}"]}}
            """);
        Assert.Equal(HttpStatusCode.OK, pushed);

        var (status, body) = await PostAsync("/get-online-features", $$$"""
            {"features": ["{{{repo.Stats}}}:conv_rate", "{{{repo.Stats}}}:trips", "{{{repo.Adjusted}}}:adjusted"],
             "entities": {"driver_id": [1001, 1002, 9999]}, "request_context": {"bonus": [1, 2, 3]}}
            """);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(["driver_id", "conv_rate", "trips", "adjusted"], body.GetProperty("metadata").GetProperty("feature_names").EnumerateArray().Select(e => e.GetString()));
        var results = body.GetProperty("results");
        Assert.Equal([1001L, 1002L, 9999L], results[0].GetProperty("values").EnumerateArray().Select(e => e.GetInt64()));
        var conv = results[1];
        Assert.Equal(0.5, conv.GetProperty("values")[0].GetDouble());
        Assert.Equal(JsonValueKind.Null, conv.GetProperty("values")[1].ValueKind);
        Assert.Equal(["PRESENT", "NULL_VALUE", "NOT_FOUND"], conv.GetProperty("statuses").EnumerateArray().Select(e => e.GetString()));
        Assert.StartsWith(at[..16], conv.GetProperty("event_timestamps")[0].GetString(), StringComparison.Ordinal);
        Assert.Equal(30, results[2].GetProperty("values")[1].GetInt64());
        // The integer request field 1 widens to the declared float64: 0.5 * 2 + 1.
        Assert.Equal(2.0, results[3].GetProperty("values")[0].GetDouble());
    }

    [Fact]
    public async Task Write_to_online_store_and_feature_service_with_full_names()
    {
        var repo = await ApplyAsync();
        var at = DateTime.UtcNow.AddMinutes(-1).ToString("O", System.Globalization.CultureInfo.InvariantCulture);
        var (written, _) = await PostAsync("/write-to-online-store", $$$"""
            {"feature_view_name": "{{{repo.Stats}}}", "df": {"driver_id": [5], "conv_rate": [0.25], "trips": [11], "event_timestamp": ["{{{at}}}"]}}
            """);
        Assert.Equal(HttpStatusCode.OK, written);
        var (status, body) = await PostAsync("/get-online-features", $$$"""
            {"feature_service": "{{{repo.Service}}}", "full_feature_names": true, "entities": {"driver_id": [5], "bonus": [0.5]}}
            """);
        Assert.Equal(HttpStatusCode.OK, status);
        var names = body.GetProperty("metadata").GetProperty("feature_names").EnumerateArray().Select(e => e.GetString()).ToList();
        Assert.Equal(["driver_id", "bonus", $"{repo.Stats}__conv_rate", $"{repo.Stats}__trips", $"{repo.Adjusted}__adjusted", $"{repo.Adjusted}__busy"], names);
        Assert.True(body.GetProperty("results")[5].GetProperty("values")[0].GetBoolean());
    }

    [Fact]
    public async Task Bad_requests_get_a_detail_and_change_nothing()
    {
        var repo = await ApplyAsync();
        async Task Refused(string path, string json, HttpStatusCode code, string mention)
        {
            var (status, body) = await PostAsync(path, json);
            Assert.True(code == status, $"{path} {json}: expected {code}, got {status}");
            Assert.Contains(mention, body.GetProperty("detail").GetString(), StringComparison.OrdinalIgnoreCase);
        }
        await Refused("/get-online-features", "not json", HttpStatusCode.UnprocessableEntity, "not JSON");
        await Refused("/get-online-features", "[1]", HttpStatusCode.UnprocessableEntity, "object");
        await Refused("/get-online-features", $$$"""{"features": ["{{{repo.Stats}}}:trips"]}""", HttpStatusCode.UnprocessableEntity, "entities");
        await Refused("/get-online-features", $$$"""{"features": ["{{{repo.Stats}}}:trips"], "entities": {"driver_id": 5}}""", HttpStatusCode.UnprocessableEntity, "array");
        await Refused("/get-online-features", $$$"""{"features": ["{{{repo.Stats}}}:trips"], "entities": {"driver_id": [1, 2], "x": [1]}}""", HttpStatusCode.UnprocessableEntity, "values");
        await Refused("/get-online-features", """{"features": ["nope:trips"], "entities": {"driver_id": [1]}}""", HttpStatusCode.NotFound, "nope");
        await Refused("/get-online-features", $$$"""{"features": ["{{{repo.Offline}}}:trips"], "entities": {"driver_id": [1]}}""", HttpStatusCode.Conflict, "not online");
        await Refused("/get-online-features", $$$"""{"features": [1], "entities": {"driver_id": [1]}}""", HttpStatusCode.UnprocessableEntity, "features[0]");
        await Refused("/push", """{"df": {}}""", HttpStatusCode.UnprocessableEntity, "push_source_name");
        await Refused("/push", """{"push_source_name": "nowhere", "df": {"a": [1]}}""", HttpStatusCode.NotFound, "nowhere");
        await Refused("/push", $$$"""{"push_source_name": "{{{repo.Push}}}", "to": "sideways", "df": {"driver_id": [1]}}""", HttpStatusCode.UnprocessableEntity, "to must be");
        await Refused("/push", $$$"""{"push_source_name": "{{{repo.Push}}}", "df": {"driver_id": [1], "event_timestamp": ["yesterday"]}}""", HttpStatusCode.UnprocessableEntity, "event_timestamp");
        await Refused("/push", $$$"""{"push_source_name": "{{{repo.Push}}}", "df": {"driver_id": [1], "trips": ["many"], "event_timestamp": ["2025-01-01T00:00:00Z"]}}""", HttpStatusCode.UnprocessableEntity, "trips");
        await Refused("/push", $$$"""{"push_source_name": "{{{repo.Push}}}", "df": {"driver_id": [null], "event_timestamp": ["2025-01-01T00:00:00Z"]}}""", HttpStatusCode.UnprocessableEntity, "driver_id");
        await Refused("/write-to-online-store", """{"feature_view_name": "nope", "df": {}}""", HttpStatusCode.NotFound, "nope");
        await Refused("/write-to-online-store", $$$"""{"feature_view_name": "{{{repo.Offline}}}", "df": {"driver_id": [1], "event_timestamp": ["2025-01-01T00:00:00Z"]}}""", HttpStatusCode.Conflict, "not online");

        var (_, after) = await PostAsync("/get-online-features", $$$"""{"features": ["{{{repo.Stats}}}:trips"], "entities": {"driver_id": [1]}}""");
        Assert.Equal("NOT_FOUND", after.GetProperty("results")[1].GetProperty("statuses")[0].GetString());
    }
}
