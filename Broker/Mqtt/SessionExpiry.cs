using System.Collections.Concurrent;
using MQTTnet.Formatter;
using MQTTnet.Packets;

namespace CreatiWall.Broker.Mqtt;

/// <summary>
/// Ends sessions that outlive their connection for longer than they may. MQTTnet 5.2 keeps every persistent session (and
/// its queue) for ever, so a token could park sessions without bound; here each is given the lower of what the client
/// asked and <c>Mqtt:MaxSessionExpirySeconds</c>, and deleted when that time has passed without a reconnect.
/// </summary>
internal sealed class SessionExpiry(TimeProvider time)
{
    readonly ConcurrentDictionary<string, ITimer> _pending = new(StringComparer.Ordinal);

    /// <summary>
    /// Seconds the session may outlive its connection, as granted at CONNECT: MQTT 5's Session Expiry Interval (0xFFFFFFFF,
    /// "never", included) lowered to <paramref name="max"/>; MQTT 3.1.1's clean session 0 gets <paramref name="max"/>.
    /// </summary>
    public static uint Granted(MqttConnectPacket connect, MqttProtocolVersion version, uint max) => version == MqttProtocolVersion.V500
        ? Math.Min(connect.SessionExpiryInterval, max)
        : connect.CleanSession ? 0 : max;

    /// <summary>
    /// Whether MQTTnet 5.2 keeps the session when its connection ends, whatever the broker granted: every MQTT 3.1 session,
    /// clean or not, and a 3.1.1 one with clean session 0 (granted 0 s when <c>Mqtt:MaxSessionExpirySeconds</c> is 0). MQTT 5
    /// sessions follow the intervals the broker writes into CONNECT and DISCONNECT.
    /// </summary>
    public static bool KeptByMqttnet(MqttProtocolVersion version, bool cleanSession) => version switch
    {
        MqttProtocolVersion.V310 => true,
        MqttProtocolVersion.V311 => !cleanSession,
        _ => false,
    };

    /// <summary>
    /// Seconds the session outlives this connection: a DISCONNECT may set a new interval (MQTT 5, 3.14.2.2.2), within the
    /// same maximum; a session granted 0 stays 0.
    /// </summary>
    public static uint AfterEnd(uint granted, MqttDisconnectPacket? disconnect, uint max) =>
        granted > 0 && disconnect is { SessionExpiryInterval: > 0 and var requested } ? Math.Min(requested, max) : granted;

    /// <summary>Calls <paramref name="expire"/> after <paramref name="seconds"/> unless <see cref="Cancel"/> comes first.</summary>
    public void Schedule(string clientId, uint seconds, Func<Task> expire)
    {
        ITimer? timer = null;
        timer = time.CreateTimer(_ =>
        {
            // Only this timer's own turn: one scheduled after it for the same client id has replaced it.
            if (timer is not null && _pending.TryRemove(new KeyValuePair<string, ITimer>(clientId, timer)))
            {
                timer.Dispose();
                _ = expire();
            }
        }, null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        Cancel(clientId);
        _pending[clientId] = timer;
        timer.Change(TimeSpan.FromSeconds(seconds), Timeout.InfiniteTimeSpan);
    }

    /// <summary>The session is in use again (or gone): it no longer expires.</summary>
    public void Cancel(string clientId)
    {
        if (_pending.TryRemove(clientId, out var timer))
        {
            timer.Dispose();
        }
    }

    public int Pending => _pending.Count;
}
