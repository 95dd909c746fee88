namespace CreatiWall.Broker.Storage;

/// <summary>Whether the store can serve reads and writes now (for <c>/readyz</c>).</summary>
internal interface IStoreHealth
{
    /// <summary>
    /// Checks the store end to end (its file or server, the write path, the read path) and answers within a few
    /// seconds. A failing store is reported as <see cref="StoreHealth.Healthy"/> false with the reason, not thrown;
    /// only cancellation throws.
    /// </summary>
    Task<StoreHealth> PingAsync(CancellationToken cancellationToken = default);
}

/// <summary>The answer of <see cref="IStoreHealth.PingAsync"/>: <see cref="Problem"/> says what failed, for operators (not for clients).</summary>
internal sealed record StoreHealth(bool Healthy, string? Problem)
{
    public static readonly StoreHealth Ok = new(true, null);

    public static StoreHealth Failing(string problem) => new(false, problem);
}
