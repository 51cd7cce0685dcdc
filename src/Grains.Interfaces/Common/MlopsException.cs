namespace MlOps.Orleans.Contracts.Common;

/// <summary>
/// A refusal that crosses grain boundaries intact: the code says what kind, the field names what was wrong.
/// Anything else escaping a grain is a bug and surfaces as INTERNAL.
/// </summary>
[GenerateSerializer]
[Alias("mlops.common.MlopsException")]
public sealed class MlopsException : Exception
{
    public MlopsException(ErrorCode code, string message, string? field = null) : base(message)
    {
        Code = code;
        Field = field;
    }

    public MlopsException() : this(ErrorCode.InvalidArgument, "invalid request") { }

    public MlopsException(string message) : this(ErrorCode.InvalidArgument, message) { }

    public MlopsException(string message, Exception innerException) : base(message, innerException) { }

    [Id(0)] public ErrorCode Code { get; init; }

    [Id(1)] public string? Field { get; init; }

    public static MlopsException Invalid(string field, string message) => new(ErrorCode.InvalidArgument, message, field);

    public static MlopsException NotFound(string message) => new(ErrorCode.NotFound, message);

    public static MlopsException Exists(string message) => new(ErrorCode.AlreadyExists, message);

    public static MlopsException Precondition(string message) => new(ErrorCode.FailedPrecondition, message);
}
