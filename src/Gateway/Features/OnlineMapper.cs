using MlOps.Orleans.Contracts.Features.Online;
using Wire = MlOps.Orleans.Protos.Features.V1;

namespace MlOps.Orleans.Gateway.Features;

/// <summary>Online results to the wire's column-major response.</summary>
internal static class OnlineMapper
{
    public static Wire.GetOnlineFeaturesResponse ToProto(OnlineFeaturesResult result)
    {
        var response = new Wire.GetOnlineFeaturesResponse();
        response.FeatureNames.Capacity = result.Columns.Count;
        response.FeatureTypes.Capacity = result.Columns.Count;
        response.Results.Capacity = result.Columns.Count;
        foreach (var column in result.Columns)
        {
            response.FeatureNames.Add(column.Name);
            response.FeatureTypes.Add(ValueTypeMapper.ToProto(column.Type));
            var vector = new Wire.FeatureVector();
            // Exact capacities: a repeated field grows to 8 slots at its first value, and a 1-entity answer has 51 columns of 1.
            vector.Values.Capacity = column.Values.Length;
            vector.Statuses.Capacity = column.Statuses.Length;
            vector.EventTimestamps.Capacity = column.EventTimestamps.Length;
            foreach (var value in column.Values) vector.Values.Add(FrameMapper.ToProto(value));
            foreach (var status in column.Statuses) vector.Statuses.Add((Wire.FeatureStatus)(int)status);
            vector.EventTimestamps.Add(column.EventTimestamps);
            response.Results.Add(vector);
        }
        return response;
    }
}
