using DuckDB.NET.Data;
using DuckDB.NET.Native;
using MlOps.Orleans.Contracts.Common;
using ErrorCode = MlOps.Orleans.Contracts.Common.ErrorCode;

namespace MlOps.Orleans.Features.Offline;

/// <summary>
/// Turns DuckDB failures caused by definitions or data into refusals a caller can read, naming what was being done
/// (which view, which source). DuckDB reports some kinds only in the message prefix (a permission error comes with the
/// generic error type), so both are looked at.
/// </summary>
internal static class DuckDbErrors
{
    /// <summary>Marks messages raised by the store's own checked casts inside a query.</summary>
    public const string CastMarker = "mlops-cast: ";

    public static Exception Map(DuckDBException e, string context, CancellationToken ct)
    {
        var message = e.Message.Split('\n')[0];
        if (e.ErrorType == DuckDBErrorType.Interrupt || message.StartsWith("INTERRUPT", StringComparison.OrdinalIgnoreCase))
            return new OperationCanceledException("the retrieval was cancelled", e, ct);
        var marker = message.IndexOf(CastMarker, StringComparison.Ordinal);
        if (marker >= 0) return new MlopsException(ErrorCode.FailedPrecondition, message[(marker + CastMarker.Length)..]);
        if (message.StartsWith("Permission Error", StringComparison.Ordinal) || e.ErrorType == DuckDBErrorType.Permission)
            return new MlopsException(ErrorCode.InvalidArgument, $"{context}: reads outside the files its sources declare, which is not allowed ({message})");
        if (e.ErrorType == DuckDBErrorType.OutOfMemory || message.StartsWith("Out of Memory", StringComparison.Ordinal))
            return new MlopsException(ErrorCode.ResourceExhausted, $"{context}: {message}");
        if (e.ErrorType is DuckDBErrorType.Parser or DuckDBErrorType.Syntax or DuckDBErrorType.Binder or DuckDBErrorType.Catalog
                or DuckDBErrorType.ParameterNotResolved or DuckDBErrorType.NotImplemented or DuckDBErrorType.Settings
            || StartsWithAny(message, "Parser Error", "Binder Error", "Catalog Error", "Not implemented Error", "Syntax Error"))
            return new MlopsException(ErrorCode.InvalidArgument, $"{context}: {message}");
        if (e.ErrorType is DuckDBErrorType.Conversion or DuckDBErrorType.OutOfRange or DuckDBErrorType.InvalidInput or DuckDBErrorType.Io
                or DuckDBErrorType.MismatchType or DuckDBErrorType.InvalidType or DuckDBErrorType.Invalid
            || StartsWithAny(message, "Conversion Error", "Out of Range Error", "Invalid Input Error", "IO Error", "Invalid Error"))
            return new MlopsException(ErrorCode.FailedPrecondition, $"{context}: {message}");
        return e;
    }

    private static bool StartsWithAny(string message, params string[] prefixes) =>
        prefixes.Any(p => message.StartsWith(p, StringComparison.Ordinal));
}
