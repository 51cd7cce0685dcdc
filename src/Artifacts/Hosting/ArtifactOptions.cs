using System.Text.RegularExpressions;

namespace MlOps.Orleans.Artifacts.Hosting;

/// <summary>Where artifact bytes live, from <c>Mlops:Artifacts:*</c>; bound and validated at start by the process's settings binder.</summary>
public sealed partial class ArtifactOptions
{
    public const string Section = "Mlops:Artifacts";
    public const string LocalProvider = "Local";
    public const string AzureBlobProvider = "AzureBlob";

    /// <summary><c>Local</c> (a folder; the embedded default) or <c>AzureBlob</c>.</summary>
    public string Provider { get; set; } = LocalProvider;

    /// <summary>The local folder; defaults to <c>&lt;Mlops:DataDir&gt;/artifacts</c>. Silos and gateways of a cluster must share it.</summary>
    public string? Root { get; set; }

    /// <summary>An Azure Storage connection string (Azurite's works too); required for <c>AzureBlob</c>.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>The blob container, created when missing.</summary>
    public string Container { get; set; } = "mlops";

    /// <summary>Largest multipart part accepted; S3's own limit (5 GiB) by default.</summary>
    public long MaxPartBytes { get; set; } = 5L << 30;

    /// <summary>Largest multipart upload (all parts together); S3's largest object (5 TiB) by default.</summary>
    public long MaxUploadBytes { get; set; } = 5L << 40;

    /// <summary>An upload or staging area untouched this long is swept with its parts.</summary>
    public TimeSpan UploadExpiry { get; set; } = TimeSpan.FromHours(24);

    /// <summary>How often each process sweeps expired uploads and staging areas.</summary>
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromHours(1);

    public bool IsAzureBlob => string.Equals(Provider, AzureBlobProvider, StringComparison.OrdinalIgnoreCase);

    [GeneratedRegex("^[a-z0-9](?:[a-z0-9]|-(?=[a-z0-9])){2,62}$", RegexOptions.CultureInvariant)]
    private static partial Regex ContainerName();

    public List<string> Validate()
    {
        var errors = new List<string>();
        if (!IsAzureBlob && !string.Equals(Provider, LocalProvider, StringComparison.OrdinalIgnoreCase))
            errors.Add($"{Section}:Provider must be '{LocalProvider}' or '{AzureBlobProvider}', not '{Provider}'");
        if (IsAzureBlob && string.IsNullOrWhiteSpace(ConnectionString))
            errors.Add($"{Section}:ConnectionString (env MLOPS__ARTIFACTS__CONNECTIONSTRING) is required when {Section}:Provider is {AzureBlobProvider}");
        if (IsAzureBlob && !ContainerName().IsMatch(Container ?? ""))
            errors.Add($"{Section}:Container '{Container}' is not a blob container name (3-63 lowercase letters, digits and single hyphens)");
        if (!IsAzureBlob && string.IsNullOrWhiteSpace(Root)) errors.Add($"{Section}:Root must not be empty");
        if (MaxPartBytes < 1) errors.Add($"{Section}:MaxPartBytes must be at least 1, not {MaxPartBytes}");
        if (MaxUploadBytes < MaxPartBytes) errors.Add($"{Section}:MaxUploadBytes ({MaxUploadBytes}) must be at least {Section}:MaxPartBytes ({MaxPartBytes})");
        if (UploadExpiry <= TimeSpan.Zero) errors.Add($"{Section}:UploadExpiry must be positive, not {UploadExpiry}");
        if (SweepInterval <= TimeSpan.Zero) errors.Add($"{Section}:SweepInterval must be positive, not {SweepInterval}");
        return errors;
    }
}
