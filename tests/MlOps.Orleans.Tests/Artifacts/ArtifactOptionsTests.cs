using Microsoft.Extensions.Configuration;
using MlOps.Orleans.Artifacts.Hosting;
using MlOps.Orleans.Tests.Infrastructure;

namespace MlOps.Orleans.Tests.Artifacts;

[Trait("Category", Category.Unit)]
public sealed class ArtifactOptionsTests
{
    /// <summary>Later settings win, as in layered configuration.</summary>
    private static ArtifactOptions Load(params (string Key, string Value)[] settings)
    {
        var values = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (var (key, value) in settings) values[key] = value;
        return MlOps.Orleans.Gateway.Artifacts.ArtifactHosting.Load(new ConfigurationBuilder().AddInMemoryCollection(values).Build(), defaultRoot: "/data/artifacts");
    }

    [Fact]
    public void Default_is_a_folder_under_the_data_dir()
    {
        var options = Load();
        Assert.False(options.IsAzureBlob);
        Assert.Equal("/data/artifacts", options.Root);
    }

    [Fact]
    public void Multipart_caps_and_expiry_default_to_s3_limits_and_a_day()
    {
        var options = Load();
        Assert.Equal((5L << 30, 5L << 40, TimeSpan.FromHours(24)), (options.MaxPartBytes, options.MaxUploadBytes, options.UploadExpiry));
    }

    [Fact]
    public void Azure_blob_without_a_connection_string_stops_the_start_naming_the_key()
    {
        var e = Assert.Throws<InvalidOperationException>(() => Load(("Mlops:Artifacts:Provider", "AzureBlob")));
        Assert.Contains("Mlops:Artifacts:ConnectionString", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Mlops:Artifacts:Provider", "S3", "Mlops:Artifacts:Provider")]
    [InlineData("Mlops:Artifacts:Container", "Bad_Name", "Mlops:Artifacts:Container")]
    [InlineData("Mlops:Artifacts:Container", "a--b", "Mlops:Artifacts:Container")]
    [InlineData("Mlops:Artifacts:MaxPartBytes", "0", "Mlops:Artifacts:MaxPartBytes must be at least 1")]
    [InlineData("Mlops:Artifacts:MaxUploadBytes", "10", "Mlops:Artifacts:MaxUploadBytes (10) must be at least")]
    [InlineData("Mlops:Artifacts:UploadExpiry", "00:00:00", "Mlops:Artifacts:UploadExpiry must be positive")]
    [InlineData("Mlops:Artifacts:SweepInterval", "-00:01:00", "Mlops:Artifacts:SweepInterval must be positive")]
    public void Invalid_setting_is_named(string key, string value, string mention)
    {
        var e = Assert.Throws<InvalidOperationException>(() =>
            Load(("Mlops:Artifacts:Provider", "AzureBlob"), ("Mlops:Artifacts:ConnectionString", "UseDevelopmentStorage=true"), (key, value)));
        Assert.Contains(mention, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Azure_blob_settings_are_read_with_the_default_container()
    {
        var options = Load(("Mlops:Artifacts:Provider", "azureblob"), ("Mlops:Artifacts:ConnectionString", "UseDevelopmentStorage=true"));
        Assert.True(options.IsAzureBlob);
        Assert.Equal("mlops", options.Container);
    }
}
