using CreatiWall.Broker.Identity;
using CreatiWall.Broker.Metrics;
using CreatiWall.Broker.Mqtt;
using CreatiWall.Tests.Support;
using Microsoft.Extensions.Time.Testing;
using MQTTnet.Formatter;
using MQTTnet.Packets;

namespace CreatiWall.Tests.Rules;

/// <summary>Everything the broker decides by the clock, on a fake one: token expiry, handover waits, session expiry, keepalive.</summary>
public sealed class ClockTests
{
    readonly FakeTimeProvider _clock = new(DateTimeOffset.Parse("2026-12-01T10:00:00Z"));

    MqttConnection Connection(string clientId, TimeSpan tokenLifetime, ushort keepAlive = 30)
    {
        var channel = new ObservedChannel(new MemoryChannel(), new TrafficCounters(), _clock);
        var principal = new Principal("t1", "screen-1", Role.Device, new HashSet<string>(), _clock.GetUtcNow() + tokenLifetime, "screen-1");
        channel.Connection = new MqttConnection(clientId, principal, channel, _clock);
        return channel.Connection;
    }

    [Fact]
    public void A_connection_is_ended_when_its_token_expires_not_before()
    {
        var connection = Connection("c1", TimeSpan.FromMinutes(10));
        var ended = 0;
        connection.ScheduleExpiry(_ => ended++);

        _clock.Advance(TimeSpan.FromMinutes(10) - TimeSpan.FromSeconds(1));
        Assert.Equal(0, ended);
        _clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(1, ended);
    }

    [Fact]
    public async Task A_silent_client_ends_with_keepalive_timeout_after_one_and_a_half_keepalives()
    {
        var memory = new MemoryChannel();
        var channel = new ObservedChannel(memory, new TrafficCounters(), _clock);
        memory.Send(new MqttConnectPacket { ClientId = "c1", KeepAlivePeriod = 30 });
        await channel.ReceivePacketAsync(CancellationToken.None);
        var connection = new MqttConnection("c1", new Principal("t1", "alice", Role.User, new HashSet<string>(), DateTimeOffset.MaxValue), channel, _clock);

        _clock.Advance(TimeSpan.FromSeconds(44));
        Assert.Equal(EndReason.NetworkError, connection.EndReason);
        _clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(EndReason.KeepaliveTimeout, connection.EndReason);
    }

    [Theory]
    [InlineData(true, 30, 100, "clean")]
    [InlineData(false, 30, 45, "keepalive-timeout")]
    [InlineData(false, 30, 44, "network-error")]
    [InlineData(false, 0, 1000, "network-error")]
    public void End_reasons(bool disconnect, ushort keepAlive, int silentSeconds, string reason) =>
        Assert.Equal(reason, EndReasons.Of(disconnect, keepAlive, TimeSpan.FromSeconds(silentSeconds)).ToContract());

    [Fact]
    public async Task A_reconnect_waits_for_the_previous_connections_cleanup_but_at_most_two_seconds()
    {
        var registry = new ConnectionRegistry();
        var handover = new Handover(registry, _clock);
        var old = Connection("t1/c1", TimeSpan.FromHours(1));
        registry.SetLive(old);
        await old.Channel.DisconnectAsync(CancellationToken.None); // its reading ended; MQTTnet has not cleaned it up yet
        var next = Connection("t1/c1", TimeSpan.FromHours(1));
        registry.Accept(next);

        var waiting = handover.AfterPreviousAsync(next);
        Assert.False(waiting.IsCompleted);
        Assert.True(next.Settled.IsCompleted); // the old connection must not wait for this one in turn

        _clock.Advance(Handover.MaxWait); // a stuck cleanup does not hold the new connection
        await waiting.WaitAsync(TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task A_reconnect_goes_on_as_soon_as_the_previous_connection_is_closed()
    {
        var registry = new ConnectionRegistry();
        var handover = new Handover(registry, _clock);
        var old = Connection("t1/c1", TimeSpan.FromHours(1));
        registry.SetLive(old);
        await old.Channel.DisconnectAsync(CancellationToken.None);
        var next = Connection("t1/c1", TimeSpan.FromHours(1));
        registry.Accept(next);

        var waiting = handover.AfterPreviousAsync(next);
        old.MarkClosed();
        await waiting.WaitAsync(TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task An_ending_connection_gives_way_to_a_newer_connect_of_its_client_id_until_it_is_set_up()
    {
        var registry = new ConnectionRegistry();
        var handover = new Handover(registry, _clock);
        var old = Connection("t1/c1", TimeSpan.FromHours(1));
        var next = Connection("t1/c1", TimeSpan.FromHours(1));
        registry.Accept(next);

        var giving = handover.GiveWayAsync(old);
        Assert.False(giving.IsCompleted);
        next.Settle();
        await giving.WaitAsync(TimeSpan.FromSeconds(5));
    }

    [Theory]
    [InlineData(MqttProtocolVersion.V500, false, 3600u, 600u, 600u)]
    [InlineData(MqttProtocolVersion.V500, false, uint.MaxValue, 600u, 600u)]
    [InlineData(MqttProtocolVersion.V500, true, 0u, 600u, 0u)]
    [InlineData(MqttProtocolVersion.V500, true, 60u, 600u, 60u)]
    [InlineData(MqttProtocolVersion.V311, false, 0u, 600u, 600u)]
    [InlineData(MqttProtocolVersion.V311, true, 0u, 600u, 0u)]
    public void Session_expiry_granted(MqttProtocolVersion version, bool cleanSession, uint requested, uint max, uint granted) =>
        Assert.Equal(granted, SessionExpiry.Granted(new MqttConnectPacket { CleanSession = cleanSession, SessionExpiryInterval = requested }, version, max));

    [Theory]
    [InlineData(MqttProtocolVersion.V310, true, true)] // MQTTnet keeps even a clean 3.1 session: the broker deletes it
    [InlineData(MqttProtocolVersion.V310, false, true)]
    [InlineData(MqttProtocolVersion.V311, true, false)]
    [InlineData(MqttProtocolVersion.V311, false, true)]
    [InlineData(MqttProtocolVersion.V500, true, false)]
    [InlineData(MqttProtocolVersion.V500, false, false)]
    public void Sessions_mqttnet_keeps_whatever_was_granted(MqttProtocolVersion version, bool cleanSession, bool kept) =>
        Assert.Equal(kept, SessionExpiry.KeptByMqttnet(version, cleanSession));

    [Theory]
    [InlineData(600u, null, 600u)]
    [InlineData(600u, 30u, 30u)]
    [InlineData(600u, uint.MaxValue, 900u)]
    [InlineData(0u, 300u, 0u)] // a session granted none cannot be given one at DISCONNECT
    public void Session_expiry_after_a_disconnect(uint granted, uint? atDisconnect, uint after) =>
        Assert.Equal(after, SessionExpiry.AfterEnd(granted, atDisconnect is { } d ? new MqttDisconnectPacket { SessionExpiryInterval = d } : null, 900));

    [Fact]
    public void A_kept_session_expires_on_time_unless_its_client_is_back()
    {
        var expiry = new SessionExpiry(_clock);
        var expired = new List<string>();
        expiry.Schedule("t1/a", 60, () => { expired.Add("a"); return Task.CompletedTask; });
        expiry.Schedule("t1/b", 60, () => { expired.Add("b"); return Task.CompletedTask; });
        expiry.Schedule("t1/c", 60, () => { expired.Add("c"); return Task.CompletedTask; });
        expiry.Cancel("t1/b"); // reconnected
        expiry.Schedule("t1/c", 120, () => { expired.Add("c2"); return Task.CompletedTask; }); // ended again: a new interval

        _clock.Advance(TimeSpan.FromSeconds(59));
        Assert.Empty(expired);
        _clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(["a"], expired);
        _clock.Advance(TimeSpan.FromSeconds(60));
        Assert.Equal(["a", "c2"], expired);
        Assert.Equal(0, expiry.Pending);
    }
}
