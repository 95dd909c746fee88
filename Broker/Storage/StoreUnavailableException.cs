namespace CreatiWall.Broker.Storage;

/// <summary>
/// The store cannot be reached now (e.g. Redis is down or times out): the operation was not done and may be tried again
/// later. The host answers 503 <c>unavailable</c>. Raised only by stores on a server (the embedded SQLite file has no
/// such state).
/// </summary>
public sealed class StoreUnavailableException : Exception
{
    public StoreUnavailableException()
        : base("the store is unavailable")
    {
    }

    public StoreUnavailableException(string message)
        : base(message)
    {
    }

    public StoreUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
