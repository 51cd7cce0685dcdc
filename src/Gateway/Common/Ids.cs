using System.Globalization;
using System.Security.Cryptography;
using MlOps.Orleans.Contracts.Common;
using MlOps.Orleans.Contracts.Tracking;
using ErrorCode = MlOps.Orleans.Contracts.Common.ErrorCode;

namespace MlOps.Orleans.Gateway.Common;

/// <summary>
/// Every id the gateway mints, for every protocol: run, registered model and materialization job ids are 32 lowercase hex
/// characters (MLflow's run id form); experiment ids are random positive integers below 2^53, so JavaScript clients read
/// them exactly, as MLflow's file store does.
/// </summary>
internal static class Ids
{
    private const int ExperimentAttempts = 4;

    public static string NewRunId() => Hex32();

    public static string NewModelId() => Hex32();

    /// <summary>Whether the text has the form of an id this server mints (32 lowercase hex characters).</summary>
    public static bool IsMintedHex32(string id) => id.Length == 32 && id.All(char.IsAsciiHexDigitLower);

    /// <summary>MLflow 3's logged-model id: <c>m-</c> and 32 hex digits.</summary>
    public static string NewLoggedModelId() => "m-" + Hex32();

    public static string NewMaterializationJobId() => Hex32();

    public static string NewExperimentId() =>
        (RandomNumberGenerator.GetInt32(1, int.MaxValue) * (1L << 22) + RandomNumberGenerator.GetInt32(0, 1 << 22)).ToString(CultureInfo.InvariantCulture);

    /// <summary>
    /// Creates an experiment under a fresh id. A taken id (about one in 2^53) is drawn again; the grain says so by naming
    /// <see cref="TrackingValidation.ExperimentIdField"/> on its AlreadyExists refusal, unlike a name clash, which is the caller's.
    /// </summary>
    public static async Task<ExperimentInfo> CreateExperimentAsync(IGrainFactory grains, CreateExperiment command, Func<string>? draw = null)
    {
        draw ??= NewExperimentId;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await grains.GetGrain<IExperimentGrain>(draw()).Create(command);
            }
            catch (MlopsException e) when (e.Code == ErrorCode.AlreadyExists && e.Field == TrackingValidation.ExperimentIdField && attempt < ExperimentAttempts)
            {
                // The id is taken: draw another.
            }
        }
    }

    private static string Hex32() => Guid.NewGuid().ToString("N");
}
