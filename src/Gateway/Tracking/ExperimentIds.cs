using System.Security.Cryptography;
using MlOps.Orleans.Contracts.Common;
using ErrorCode = MlOps.Orleans.Contracts.Common.ErrorCode;
using MlOps.Orleans.Contracts.Tracking;

namespace MlOps.Orleans.Gateway.Tracking;

/// <summary>New experiment ids: random positive integers below 2^53, so JavaScript clients read them exactly, as MLflow's file store does.</summary>
internal static class ExperimentIds
{
    public static async Task<ExperimentInfo> CreateAsync(IGrainFactory grains, CreateExperiment command)
    {
        for (var attempt = 0; ; attempt++)
        {
            var id = RandomNumberGenerator.GetInt32(1, int.MaxValue) * (1L << 22) + RandomNumberGenerator.GetInt32(0, 1 << 22);
            try
            {
                return await grains.GetGrain<IExperimentGrain>(id.ToString(System.Globalization.CultureInfo.InvariantCulture)).Create(command);
            }
            catch (MlopsException e) when (e.Code == ErrorCode.AlreadyExists && e.Message.StartsWith("experiment id", StringComparison.Ordinal) && attempt < 3)
            {
                // An id collision (about one in 2^53): draw again.
            }
        }
    }
}
