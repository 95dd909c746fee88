namespace CreatiWall.Broker.Identity;

/// <summary>Whether a validated token has been revoked since it was issued (asked on every CONNECT and REST request).</summary>
public interface IRevocationList
{
    bool IsRevoked(Principal principal);

    /// <summary>Nothing revoked (the token tools, tests).</summary>
    static IRevocationList None { get; } = new NoRevocations();

    private sealed class NoRevocations : IRevocationList
    {
        public bool IsRevoked(Principal principal) => false;
    }
}
