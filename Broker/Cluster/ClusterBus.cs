using System.Collections.Concurrent;
using System.Threading.Channels;
using CreatiWall.Broker.Metrics;
using CreatiWall.Broker.Mqtt;
using CreatiWall.Broker.Mqtt.Routing;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MQTTnet;
using StackExchange.Redis;

namespace CreatiWall.Broker.Cluster;

/// <summary>
/// Carries routed messages between nodes over Redis sharded pub/sub (SPUBLISH/SSUBSCRIBE, so it also spreads over a
/// Redis Cluster): one channel per tenant. A node publishes what its clients and its server publish, and listens only
/// to the tenants its sessions can match (<see cref="TenantInterest"/>). A message comes back to no node it left, and
/// is routed locally only (never relayed again), so nothing loops. Order per publisher holds: one node publishes a
/// tenant's messages on one connection, in order, and each channel's messages are handled one after another.
/// </summary>
internal sealed partial class ClusterBus : IMessageRelay, IHostedService, IDisposable
{
    const string TenantsKey = "cw:bus:tenants";

    readonly IConnectionMultiplexer _redis;
    readonly ClusterNode _node;
    readonly MessageRouter _router;
    readonly ClusterOptions _options;
    readonly ILogger<ClusterBus> _logger;
    readonly LogThrottle _failures;
    readonly Channel<(string Tenant, bool Interested)> _interest = Channel.CreateUnbounded<(string, bool)>(new() { SingleReader = true });
    readonly Dictionary<string, ChannelMessageQueue> _listening = new(StringComparer.Ordinal); // only the interest loop touches it
    readonly ConcurrentDictionary<string, bool> _announced = new(StringComparer.Ordinal);
    readonly ConcurrentDictionary<string, TaskCompletionSource> _subscribed = new(StringComparer.Ordinal);
    readonly CancellationTokenSource _stop = new();
    bool _allTenants;
    Task? _loop;

    public ClusterBus(IConnectionMultiplexer redis, ClusterNode node, MessageRouter router,
        IOptions<ClusterOptions> options, ILogger<ClusterBus> logger, TimeProvider time)
    {
        (_redis, _node, _router, _options, _logger) = (redis, node, router, options.Value, logger);
        _failures = new LogThrottle(TimeSpan.FromSeconds(10), time);
        router.Interest.Changed += (tenant, interested) => _interest.Writer.TryWrite((tenant, interested));
    }

    static RedisChannel ChannelOf(string tenant) => RedisChannel.Sharded($"cw:{{{tenant}}}:bus");

    public bool Relay(MqttApplicationMessage message, string senderClientId)
    {
        if (TenantOfTopic(message.Topic) is not { } tenant)
        {
            return false; // $SYS is each node's own
        }

        if (_announced.TryAdd(tenant, true))
        {
            _redis.GetDatabase().SetAdd(TenantsKey, tenant, CommandFlags.FireAndForget);
        }

        var bytes = BusMessage.Write(_node.Id, senderClientId, message);
        _redis.GetSubscriber().PublishAsync(ChannelOf(tenant), bytes).ContinueWith(
            (t, state) => ((ClusterBus)state!).OnRelayFailed(t.Exception!), this, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
        return true;
    }

    static string? TenantOfTopic(string topic) =>
        topic.StartsWith("cw/", StringComparison.Ordinal) && topic.IndexOf('/', 3) is > 3 and var end ? topic[3..end] : null;

    /// <summary>Waits (at most <see cref="MaxListenWait"/>: Redis may be down) until this node listens to the filter's tenant.</summary>
    public Task ListeningAsync(string filter)
    {
        if (TenantInterest.TenantOf(filter) is not { } tenant)
        {
            return Task.CompletedTask;
        }

        return Subscribed(tenant).Task.WaitAsync(MaxListenWait).ContinueWith(_ => { }, TaskScheduler.Default);
    }

    static readonly TimeSpan MaxListenWait = TimeSpan.FromSeconds(2);

    TaskCompletionSource Subscribed(string tenant) =>
        _subscribed.GetOrAdd(tenant, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));

    public Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var tenant in _router.Interest.Tenants)
        {
            _interest.Writer.TryWrite((tenant, true));
        }

        _loop = Task.Run(() => FollowInterestAsync(_stop.Token), CancellationToken.None);
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stop.CancelAsync();
        _interest.Writer.TryComplete();
        if (_loop is { } loop)
        {
            await loop.ContinueWith(_ => { }, CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
        }
    }

    /// <summary>Subscribes to a tenant's channel when this node gains interest in it and leaves it when the interest ends.</summary>
    async Task FollowInterestAsync(CancellationToken stop)
    {
        using var refresh = new PeriodicTimer(TimeSpan.FromSeconds(_options.HeartbeatSeconds));
        var tick = refresh.WaitForNextTickAsync(stop).AsTask();
        while (!stop.IsCancellationRequested)
        {
            var next = _interest.Reader.WaitToReadAsync(stop).AsTask();
            if (await Task.WhenAny(next, tick) == tick)
            {
                tick = refresh.WaitForNextTickAsync(stop).AsTask();
                if (_allTenants)
                {
                    await ApplyAsync(TenantInterest.AllTenants, interested: true); // tenants that appeared since
                }

                continue;
            }

            while (_interest.Reader.TryRead(out var change))
            {
                await ApplyAsync(change.Tenant, change.Interested);
            }
        }
    }

    async Task ApplyAsync(string tenant, bool interested)
    {
        try
        {
            if (tenant == TenantInterest.AllTenants)
            {
                _allTenants = interested;
                await ListenAsync(interested ? await KnownTenantsAsync() : _router.Interest.Tenants);
                if (interested)
                {
                    Subscribed(TenantInterest.AllTenants).TrySetResult();
                }
                else
                {
                    _subscribed.TryRemove(TenantInterest.AllTenants, out _);
                }

                return;
            }

            if (interested)
            {
                await ListenAsync([tenant]);
            }
            else if (!_allTenants && _listening.Remove(tenant, out var queue))
            {
                _subscribed.TryRemove(tenant, out _);
                await queue.UnsubscribeAsync();
            }
        }
        catch (Exception e) when (e.IsUnreachable())
        {
            OnRelayFailed(e); // StackExchange.Redis subscribes again by itself once Redis is back
        }
    }

    async Task<string[]> KnownTenantsAsync() => [.. (await _redis.GetDatabase().SetMembersAsync(TenantsKey)).Select(t => t.ToString())];

    async Task ListenAsync(IEnumerable<string> tenants)
    {
        foreach (var tenant in tenants.Where(t => t != TenantInterest.AllTenants && !_listening.ContainsKey(t)))
        {
            var queue = await _redis.GetSubscriber().SubscribeAsync(ChannelOf(tenant));
            queue.OnMessage(message => Deliver(message.Message));
            _listening[tenant] = queue;
            Subscribed(tenant).TrySetResult();
        }
    }

    /// <summary>A message from another node: routed to this node's sessions only (the node it came from stored it if retained).</summary>
    void Deliver(RedisValue value)
    {
        if (BusMessage.Read((byte[])value!) is not var (origin, sender, message) || origin == _node.Id)
        {
            return;
        }

        _router.Route(message, sender);
    }

    public void Dispose() => _stop.Dispose();

    void OnRelayFailed(Exception error)
    {
        if (_failures.TryEnter("relay", out var held))
        {
            LogRelayFailed(error.GetBaseException().Message, held);
        }
    }

    [LoggerMessage(LogLevel.Warning, "Cluster: a message could not cross to the other nodes: {Reason} ({Held} more in the last 10 s); local clients still get it")]
    partial void LogRelayFailed(string reason, long held);
}
