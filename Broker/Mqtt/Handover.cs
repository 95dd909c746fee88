namespace CreatiWall.Broker.Mqtt;

/// <summary>
/// Keeps a client's reconnect and the end of its previous connection apart. MQTTnet deletes the clean session of a
/// connection that ended by client id, and decides so before it deletes ("if (!IsTakenOver) … DeleteSessionAsync(id)"):
/// when the same client id connects again in between (a reloaded page, a restarted agent), the new session was deleted
/// and the new connection dropped. Each side first makes itself visible (the new CONNECT is accepted, the old connection
/// marks its reading ended), then looks at the other, so at least one of them waits; when both see each other, the new
/// CONNECT gives way, so they cannot wait for each other.
/// </summary>
internal sealed class Handover(ConnectionRegistry registry, TimeProvider time)
{
    /// <summary>How long one connection waits for another of its client id (milliseconds as a rule; a stuck one must not hold it).</summary>
    public static readonly TimeSpan MaxWait = TimeSpan.FromSeconds(2);

    /// <summary>The new CONNECT, once accepted: waits until MQTTnet is done with an older connection of its client id whose reading ended.</summary>
    public async Task AfterPreviousAsync(MqttConnection connection)
    {
        Interlocked.MemoryBarrier(); // the accept is visible before the look at the older connection
        if (registry.TryGetLive(connection.ClientId, out var previous) && previous.Channel.ReceiveEnded)
        {
            connection.Settle(); // the older connection must not wait for this one in turn
            await AtMostAsync(previous.Closed).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// The older connection, once its reading ended: if a newer CONNECT of its client id is being set up, MQTTnet learns
    /// of the end only after that, so it sees the older connection as taken over and leaves the new session alone.
    /// </summary>
    public async Task GiveWayAsync(MqttConnection connection)
    {
        if (registry.TryGetAccepted(connection.ClientId, out var newer) && !ReferenceEquals(newer, connection))
        {
            await AtMostAsync(newer.Settled).ConfigureAwait(false);
        }
    }

    /// <summary>Waits for <paramref name="other"/> at most <see cref="MaxWait"/>; running late is not an error here.</summary>
    Task AtMostAsync(Task other) => other.WaitAsync(MaxWait, time).ContinueWith(_ => { }, TaskScheduler.Default);
}
