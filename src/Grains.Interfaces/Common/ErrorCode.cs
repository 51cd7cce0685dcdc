namespace MlOps.Orleans.Contracts.Common;

/// <summary>Why a request was refused; every protocol surface maps it to its own status.</summary>
[Alias("mlops.common.ErrorCode")]
public enum ErrorCode
{
    InvalidArgument = 1,
    NotFound = 2,
    AlreadyExists = 3,
    FailedPrecondition = 4,
    Unavailable = 5,
    ResourceExhausted = 6,
}
