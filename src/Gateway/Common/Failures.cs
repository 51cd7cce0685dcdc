using MlOps.Orleans.Contracts.Common;

namespace MlOps.Orleans.Gateway.Common;

/// <summary>What kind of failure an exception is; every protocol's error path (gRPC and HTTP alike) decides from this alone.</summary>
internal enum FailureKind
{
    /// <summary>A <see cref="MlopsException"/>: the request was refused; its code picks the protocol's status.</summary>
    Refusal,

    /// <summary>The framework refused the request itself (body too large, unreadable): Kestrel's own status applies.</summary>
    BadRequest,

    /// <summary>The caller hung up; nothing is answered and nothing is logged as a fault.</summary>
    Cancelled,

    /// <summary>The cluster did not answer (timeout, Orleans failure): retryable, the protocol's 503.</summary>
    Unavailable,

    /// <summary>Anything else is a bug: logged with a correlation id that the answer carries.</summary>
    Internal,
}

internal static class Failures
{
    public static FailureKind Classify(Exception e, CancellationToken callAborted) => e switch
    {
        MlopsException => FailureKind.Refusal,
        BadHttpRequestException => FailureKind.BadRequest,
        // A client that hangs up mid-call is not a server fault.
        OperationCanceledException or IOException when callAborted.IsCancellationRequested => FailureKind.Cancelled,
        TimeoutException or OrleansException or OperationCanceledException => FailureKind.Unavailable,
        _ => FailureKind.Internal,
    };
}
