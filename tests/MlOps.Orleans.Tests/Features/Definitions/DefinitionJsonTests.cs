using MlOps.Orleans.Contracts.Features;
using MlOps.Orleans.Features.Definitions;
using MlOps.Orleans.Tests.Infrastructure;
using static MlOps.Orleans.Tests.Features.Definitions.SampleSpecs;

namespace MlOps.Orleans.Tests.Features.Definitions;

/// <summary>Canonical JSON: fixed layout, stable bytes, lossless round trips and digests over the versioned part only.</summary>
[Trait("Category", Category.Unit)]
public sealed class DefinitionJsonTests
{
    [Fact]
    public void Feature_view_json_has_the_canonical_layout()
    {
        Assert.Equal(
            """{"name":"driver_hourly_stats","entities":["driver"],"schema":[{"name":"conv_rate","type":"float64","description":"conversion rate"}],"source":"driver_stats","sources":[],"sql":"","timestamp_field":"event_timestamp","created_timestamp_field":"created","ttl":86400,"online":true,"tags":{"team":"drivers","z":"last"},"owner":"team@x","description":"Hourly stats"}""",
            DefinitionJson.Serialize(View()));
        Assert.Contains("\"ttl\":null", DefinitionJson.Serialize(View() with { Ttl = null }), StringComparison.Ordinal);
        Assert.Contains("\"ttl\":1.5", DefinitionJson.Serialize(View() with { Ttl = TimeSpan.FromMilliseconds(1500) }), StringComparison.Ordinal);
    }

    [Fact]
    public void Other_kinds_have_the_canonical_layout()
    {
        Assert.Equal(
            """{"name":"driver","join_keys":[{"name":"driver_id","type":"int64","description":"the driver"}],"description":"A driver","tags":{"team":"drivers"}}""",
            DefinitionJson.Serialize(Entity()));
        Assert.Equal(
            """{"name":"driver_stats","push":false,"format":"parquet","path":"artifacts:features/driver_stats/*.parquet","timestamp_field":"event_timestamp","created_timestamp_field":"created","hive_partitioning":true,"schema":[{"name":"driver_id","type":"int64","description":""},{"name":"event_timestamp","type":"timestamp","description":""},{"name":"created","type":"timestamp","description":""},{"name":"conv_rate","type":"float32","description":"conversion"}],"description":"hourly stats","tags":{"a":"1","b":"2"}}""",
            DefinitionJson.Serialize(Source()));
        Assert.Equal(
            """{"name":"driver_ratios","inputs":["driver_hourly_stats"],"request_schema":[{"name":"val_to_add","type":"int64","description":""}],"outputs":[{"name":"conv_plus_val","type":"float64","expression":"conv_rate + val_to_add","description":"sum"}],"tags":{"k":"v"},"owner":"team@x","description":"ratios"}""",
            DefinitionJson.Serialize(OnDemand()));
        Assert.Equal(
            """{"name":"driver_model_v1","projections":[{"view":"driver_hourly_stats","version":2,"features":["conv_rate"]},{"view":"driver_ratios","version":null,"features":[]}],"tags":{"model":"m1"},"owner":"team@x","description":"for model 1"}""",
            DefinitionJson.Serialize(Service()));
    }

    [Fact]
    public void Versioned_json_leaves_out_metadata()
    {
        Assert.Equal(
            """{"name":"driver_hourly_stats","entities":["driver"],"schema":[{"name":"conv_rate","type":"float64"}],"source":"driver_stats","sources":[],"sql":"","timestamp_field":"event_timestamp","created_timestamp_field":"created","ttl":86400}""",
            DefinitionJson.SerializeVersioned(View()));
        Assert.Equal("""{"name":"driver","join_keys":[{"name":"driver_id","type":"int64"}]}""", DefinitionJson.SerializeVersioned(Entity()));
        Assert.Equal(
            """{"name":"driver_model_v1","projections":[{"view":"driver_hourly_stats","version":2,"features":["conv_rate"]},{"view":"driver_ratios","version":null,"features":[]}]}""",
            DefinitionJson.SerializeVersioned(Service()));
        Assert.DoesNotContain("description", DefinitionJson.SerializeVersioned(Source()), StringComparison.Ordinal);
        Assert.DoesNotContain("tags", DefinitionJson.SerializeVersioned(OnDemand()), StringComparison.Ordinal);
    }

    public static TheoryData<object> AllSpecs => new() { Entity(), Source(), View(), OnDemand(), Service() };

    [Theory]
    [MemberData(nameof(AllSpecs))]
    public void Round_trip_gives_the_same_json(object spec)
    {
        var json = DefinitionJson.Serialize(spec);
        var back = DefinitionJson.Deserialize(DefinitionJson.KindOf(spec), json);
        Assert.Equal(spec.GetType(), back.GetType());
        Assert.Equal(json, DefinitionJson.Serialize(back));
        Assert.Equal(DefinitionDigest.Compute(spec), DefinitionDigest.Compute(back));
        Assert.Equal(DefinitionJson.NameOf(spec), DefinitionJson.NameOf(back));
    }

    [Fact]
    public void Round_trip_keeps_every_field()
    {
        var view = DefinitionJson.DeserializeFeatureView(DefinitionJson.Serialize(View()));
        Assert.Equal(TimeSpan.FromDays(1), view.Ttl);
        Assert.Equal("team@x", view.Owner);
        Assert.True(view.Online);
        Assert.Equal("conversion rate", view.Schema[0].Description);
        Assert.Equal("last", view.Tags["z"]);
        var odd = View() with { Ttl = TimeSpan.FromTicks(123_456_789), Sql = "SELECT '<é>' AS \"x\"" };
        var back = DefinitionJson.DeserializeFeatureView(DefinitionJson.Serialize(odd));
        Assert.Equal(odd.Ttl, back.Ttl);
        Assert.Equal(odd.Sql, back.Sql);
        var service = DefinitionJson.DeserializeService(DefinitionJson.Serialize(Service()));
        Assert.Equal(2, service.Projections[0].Version);
        Assert.Null(service.Projections[1].Version);
        var source = DefinitionJson.DeserializeSource(DefinitionJson.Serialize(Source() with { Format = SourceFormat.Csv, IsPush = true }));
        Assert.Equal(SourceFormat.Csv, source.Format);
        Assert.True(source.IsPush);
    }

    [Fact]
    public void Same_spec_gives_same_bytes_whatever_the_tag_insertion_order()
    {
        var a = View() with { Tags = Tags(("a", "1"), ("b", "2"), ("c", "3")) };
        var b = View() with { Tags = Tags(("c", "3"), ("a", "1"), ("b", "2")) };
        Assert.Equal(DefinitionJson.Serialize(a), DefinitionJson.Serialize(b));
        Assert.Equal(DefinitionJson.Serialize(View()), DefinitionJson.Serialize(View()));
    }

    [Fact]
    public void Digest_is_lowercase_sha256_hex_of_the_versioned_json()
    {
        var digest = DefinitionDigest.Compute(View());
        Assert.Matches("^[0-9a-f]{64}$", digest);
        var expected = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(
            System.Text.Encoding.UTF8.GetBytes(DefinitionJson.SerializeVersioned(View()))));
        Assert.Equal(expected, digest);
    }

    [Fact]
    public void Metadata_does_not_change_the_digest()
    {
        var view = View();
        var metadata = view with
        {
            Description = "other", Owner = "someone", Online = false, Tags = Tags(("x", "y")),
            Schema = [new("conv_rate", FeatureValueType.Float64, "a new description")],
        };
        Assert.Equal(DefinitionDigest.Compute(view), DefinitionDigest.Compute(metadata));
        Assert.NotEqual(DefinitionJson.Serialize(view), DefinitionJson.Serialize(metadata));

        Assert.Equal(DefinitionDigest.Compute(Entity()), DefinitionDigest.Compute(Entity() with { Description = "x", Tags = Tags() }));
        Assert.Equal(DefinitionDigest.Compute(Source()), DefinitionDigest.Compute(Source() with { Description = "x", Tags = Tags() }));
        Assert.Equal(DefinitionDigest.Compute(OnDemand()), DefinitionDigest.Compute(OnDemand() with { Owner = "x", Description = "y" }));
        Assert.Equal(DefinitionDigest.Compute(Service()), DefinitionDigest.Compute(Service() with { Owner = "x", Tags = Tags() }));
    }

    public static TheoryData<string, object, object> VersionedChanges => new()
    {
        { "view schema type", View(), View() with { Schema = [new("conv_rate", FeatureValueType.Float32)] } },
        { "view schema field", View(), View() with { Schema = [new("conv_rate", FeatureValueType.Float64), new("acc", FeatureValueType.Float64)] } },
        { "view ttl", View(), View() with { Ttl = TimeSpan.FromDays(2) } },
        { "view no ttl", View(), View() with { Ttl = null } },
        { "view source", View(), View() with { Source = "other" } },
        { "view sql", View(), View() with { Source = "", Sources = ["driver_stats"], Sql = "SELECT * FROM driver_stats" } },
        { "view entities", View(), View() with { Entities = ["driver", "rider"] } },
        { "view timestamp", View(), View() with { TimestampField = "ts" } },
        { "entity key type", Entity(), Entity() with { JoinKeys = [new("driver_id", FeatureValueType.String)] } },
        { "source path", Source(), Source() with { Path = "artifacts:other/*.parquet" } },
        { "source format", Source(), Source() with { Format = SourceFormat.Csv } },
        { "source partitioning", Source(), Source() with { HivePartitioning = false } },
        { "on-demand expression", OnDemand(), OnDemand() with { Outputs = [new(new FieldSpec("conv_plus_val", FeatureValueType.Float64), "conv_rate - val_to_add")] } },
        { "on-demand request", OnDemand(), OnDemand() with { RequestSchema = [new("val_to_add", FeatureValueType.Int32)] } },
        { "service projection", Service(), Service() with { Projections = [new("driver_hourly_stats", ["conv_rate"], 3)] } },
    };

    [Theory]
    [MemberData(nameof(VersionedChanges))]
    public void Versioned_changes_change_the_digest(string what, object before, object after) =>
        Assert.True(DefinitionDigest.Compute(before) != DefinitionDigest.Compute(after), what);

    [Fact]
    public void Stored_json_with_unknown_or_missing_properties_still_reads()
    {
        var view = DefinitionJson.DeserializeFeatureView("""{"name":"v","future_field":{"a":1},"schema":[{"name":"f","type":"int32"}]}""");
        Assert.Equal("v", view.Name);
        Assert.Null(view.Ttl);
        Assert.Empty(view.Entities);
        Assert.Equal(FeatureValueType.Int32, view.Schema[0].Type);
        Assert.ThrowsAny<System.Text.Json.JsonException>(() => DefinitionJson.DeserializeEntity("[]"));
        Assert.ThrowsAny<System.Text.Json.JsonException>(() =>
            DefinitionJson.DeserializeEntity("""{"name":"e","join_keys":[{"name":"k","type":"decimal"}]}"""));
        Assert.Throws<ArgumentException>(() => DefinitionJson.Serialize("not a spec"));
    }
}
