using MlOps.Orleans.Contracts.Common;
using MlOps.Orleans.Contracts.Features.Materialization;
using Wire = MlOps.Orleans.Protos.Features.V1;

namespace MlOps.Orleans.Gateway.Features;

/// <summary>Materialization requests and jobs between the wire and the job grains.</summary>
internal static class MaterializationMapper
{
    public static MaterializationRequest FromProto(Wire.MaterializeRequest request)
    {
        if (request.EndMicros <= 0) throw MlopsException.Invalid("end_micros", "end_micros is required (microseconds since the epoch)");
        if (!request.Incremental && request.StartMicros <= 0) throw MlopsException.Invalid("start_micros", "start_micros is required unless incremental");
        return new MaterializationRequest(request.FeatureViews, request.Incremental ? null : Time(request.StartMicros, "start_micros"),
            Time(request.EndMicros, "end_micros"), request.Incremental);
    }

    public static DateTime Time(long micros, string field) => micros is > 0 and < 253402300799999999L
        ? DateTime.UnixEpoch.AddTicks(micros * 10)
        : throw MlopsException.Invalid(field, $"{field} {micros} is out of range");

    private static long Micros(DateTime t) => (t.ToUniversalTime() - DateTime.UnixEpoch).Ticks / 10;

    public static Wire.MaterializationJob ToProto(MaterializationJobInfo job)
    {
        var result = new Wire.MaterializationJob
        {
            JobId = job.JobId, Status = (Wire.MaterializationStatus)(int)job.Status, Partitions = job.Partitions, CreatedAtMicros = Micros(job.CreatedAt),
            FinishedAtMicros = job.FinishedAt is { } f ? Micros(f) : 0, Error = job.Error ?? "",
        };
        result.Views.AddRange(job.Views.Select(v => new Wire.MaterializationViewProgress
        {
            View = v.View, Version = v.Version, StartMicros = Micros(v.Start), EndMicros = Micros(v.End), RowsRead = v.RowsRead, RowsWritten = v.RowsWritten, Error = v.Error ?? "",
        }));
        return result;
    }
}
