using MlOps.Orleans.Contracts.Common;
using MlOps.Orleans.Contracts.Registry;
using Wire = MlOps.Orleans.Protos.Registry.V1;

namespace MlOps.Orleans.Gateway.Registry;

/// <summary>Protobuf registry messages to grain contracts and back.</summary>
internal static class RegistryMapper
{
    public static Wire.ModelVersion ToProto(ModelVersionInfo v)
    {
        var result = new Wire.ModelVersion
        {
            Name = v.ModelName, Version = v.Version, CreationTimestamp = v.CreationTime, LastUpdatedTimestamp = v.LastUpdatedTime,
            UserId = v.UserId, CurrentStage = (Wire.Stage)(int)v.Stage, Description = v.Description, Source = v.Source, RunId = v.RunId,
            RunLink = v.RunLink, Status = (Wire.ModelVersionStatus)(int)v.Status, StatusMessage = v.StatusMessage, Digest = v.Digest,
            StorageLocation = v.StorageLocation,
        };
        result.Tags.AddRange(v.Tags.OrderBy(t => t.Key, StringComparer.Ordinal).Select(t => new Wire.Tag { Key = t.Key, Value = t.Value }));
        result.Aliases.AddRange(v.Aliases);
        return result;
    }

    public static Wire.RegisteredModel ToProto(RegisteredModelInfo m)
    {
        var result = new Wire.RegisteredModel
        {
            Name = m.Name, CreationTimestamp = m.CreationTime, LastUpdatedTimestamp = m.LastUpdatedTime, UserId = m.UserId,
            Description = m.Description, ModelId = m.ModelId,
        };
        result.LatestVersions.AddRange(m.LatestVersions.Select(ToProto));
        result.Tags.AddRange(m.Tags.OrderBy(t => t.Key, StringComparer.Ordinal).Select(t => new Wire.Tag { Key = t.Key, Value = t.Value }));
        result.Aliases.AddRange(m.Aliases.OrderBy(a => a.Key, StringComparer.Ordinal).Select(a => new Wire.Alias { Alias_ = a.Key, Version = a.Value }));
        return result;
    }

    public static Wire.PromotionRecord ToProto(PromotionRecord p)
    {
        var result = new Wire.PromotionRecord
        {
            Sequence = p.Sequence, Alias = p.Alias, ToVersion = p.ToVersion, Metric = p.Metric, Decision = (Wire.PromotionDecision)(int)p.Decision,
            Reason = p.Reason, UserId = p.UserId, Timestamp = p.Timestamp,
        };
        if (p.FromVersion is { } from) result.FromVersion = from;
        if (p.CandidateValue is { } c) result.CandidateValue = c;
        if (p.HolderValue is { } h) result.HolderValue = h;
        return result;
    }

    public static Dictionary<string, string> Tags(IEnumerable<Wire.Tag> tags, string field)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var t in tags)
            if (!result.TryAdd(t.Key, t.Value)) throw MlopsException.Invalid(field, $"tag '{t.Key}' appears twice in {field}");
        return result;
    }

    public static ModelStage Stage(Wire.Stage stage) => Enum.IsDefined((ModelStage)(int)stage)
        ? (ModelStage)(int)stage
        : throw MlopsException.Invalid("stage", $"stage {(int)stage} is not one of NONE, STAGING, PRODUCTION, ARCHIVED");
}
