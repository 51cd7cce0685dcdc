namespace MlOps.Orleans.Features.Online.Store;

/// <summary>
/// The online store's backend could not be reached or did not answer in time. Callers map it to UNAVAILABLE; a write that
/// failed this way may have been applied in part, and retrying it is safe (writes are newest-wins, so idempotent).
/// </summary>
public sealed class OnlineStoreUnavailableException : Exception
{
    public OnlineStoreUnavailableException()
    {
    }

    public OnlineStoreUnavailableException(string message) : base(message)
    {
    }

    public OnlineStoreUnavailableException(string message, Exception innerException) : base(message, innerException)
    {
    }
}
