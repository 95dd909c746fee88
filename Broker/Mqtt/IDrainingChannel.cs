namespace CreatiWall.Broker.Mqtt;

/// <summary>
/// A transport that can close the way a server-sent DISCONNECT needs when much was sent before it (a slow consumer's
/// backlog): reading, and throwing away, what the peer still sends until it has read everything and closed. Closing
/// with its acknowledgements unread would reset the connection (TCP RST), and the peer would lose the backlog and the
/// DISCONNECT that says why.
/// </summary>
public interface IDrainingChannel
{
    /// <summary>Discards what arrives until the peer closes or <paramref name="cancellationToken"/> fires, then closes.</summary>
    Task DrainAndDisconnectAsync(CancellationToken cancellationToken);
}
