using System.Collections.Concurrent;
using CreatiWall.Broker.Access;
using CreatiWall.Broker.Identity;
using MQTTnet;
using MQTTnet.Protocol;
using MQTTnet.Server;

namespace CreatiWall.Broker.Mqtt.Routing;

/// <summary>
/// Delivers published messages to the sessions whose subscriptions match, found through a <see cref="SubscriptionTree{T}"/>
/// instead of MQTTnet's check of every subscribed session on every publish (its cost grows with the fleet: see
/// BENCHMARKS.md, idle fleet). MQTT's rules are kept: the highest granted QoS of overlapping subscriptions, no-local,
/// retain-as-published and subscription identifiers; QoS 1/2 packet identifiers are assigned by the session's queue.
/// </summary>
internal sealed class MessageRouter : IDisposable
{
    [ThreadStatic] static List<KeyValuePair<Subscriber, SubscriptionOptions>>? t_matches;
    [ThreadStatic] static Dictionary<Subscriber, SubscriptionOptions>? t_merged;

    readonly SubscriptionTree<Subscriber> _tree = new();
    readonly ConcurrentDictionary<string, Subscriber> _byClient = new(StringComparer.Ordinal);
    readonly Lock _changes = new();

    /// <summary>Which tenants' messages this node's sessions can match (cluster mode subscribes to those).</summary>
    public TenantInterest Interest { get; } = new();

    /// <summary>Adds or replaces a subscription; true when the session did not hold this filter yet.</summary>
    public bool Subscribe(string clientId, MqttSessionStatus session, string filter, SubscriptionOptions options, Principal? principal = null)
    {
        lock (_changes)
        {
            if (!_byClient.TryGetValue(clientId, out var subscriber) || !subscriber.Is(session))
            {
                if (subscriber is not null)
                {
                    RemoveAll(subscriber); // a new session under the same client id starts without the old one's filters
                }

                _byClient[clientId] = subscriber = new Subscriber(clientId, session, principal);
            }

            bool added;
            lock (subscriber.Filters)
            {
                added = subscriber.Filters.TryAdd(filter, options);
                subscriber.Filters[filter] = options;
            }

            if (added)
            {
                Interest.Add(filter);
            }

            _tree.Add(subscriber, filter, options);
            return added;
        }
    }

    public void Unsubscribe(string clientId, string filter)
    {
        lock (_changes)
        {
            if (_byClient.TryGetValue(clientId, out var subscriber))
            {
                lock (subscriber.Filters)
                {
                    if (subscriber.Filters.Remove(filter))
                    {
                        Interest.Remove(filter);
                    }
                }

                _tree.Remove(subscriber, filter);
            }
        }
    }

    /// <summary>The session is gone or starts clean. With <paramref name="sessionItems"/>: only if it is still that session.</summary>
    public void Clear(string clientId, System.Collections.IDictionary? sessionItems = null)
    {
        lock (_changes)
        {
            if (_byClient.TryGetValue(clientId, out var subscriber) &&
                (sessionItems is null || ReferenceEquals(subscriber.Session.Items, sessionItems)))
            {
                _byClient.TryRemove(clientId, out _);
                RemoveAll(subscriber);
            }
        }
    }

    void RemoveAll(Subscriber subscriber)
    {
        lock (subscriber.Filters)
        {
            foreach (var filter in subscriber.Filters.Keys)
            {
                _tree.Remove(subscriber, filter);
                Interest.Remove(filter);
            }

            subscriber.Filters.Clear();
        }
    }

    /// <summary>The filters a session holds.</summary>
    public IReadOnlyCollection<string> FiltersOf(string clientId)
    {
        if (!_byClient.TryGetValue(clientId, out var subscriber))
        {
            return [];
        }

        lock (subscriber.Filters)
        {
            return [.. subscriber.Filters.Keys];
        }
    }

    /// <summary>Queues <paramref name="message"/> for every matching session; returns how many sessions it was queued for.</summary>
    public int Route(MqttApplicationMessage message, string senderClientId)
    {
        var matches = t_matches ??= [];
        try
        {
            var filters = _tree.Match(message.Topic, matches);
            if (matches.Count == 0)
            {
                return 0;
            }

            var copies = new MqttApplicationMessage?[6];
            if (filters == 1)
            {
                // One filter matched: each session appears once.
                var delivered = 0;
                foreach (var (subscriber, options) in matches)
                {
                    if (!(options.NoLocal && subscriber.ClientId == senderClientId) && MayReceive(subscriber, message))
                    {
                        SessionDelivery.Deliver(subscriber, message, options, options.Identifiers, copies);
                        delivered++;
                    }
                }

                return delivered;
            }

            return RouteOverlapping(message, senderClientId, matches, copies);
        }
        finally
        {
            matches.Clear();
        }
    }

    /// <summary>Several filters matched: a session subscribed through more than one gets the message once (MQTTnet's rule).</summary>
    static int RouteOverlapping(MqttApplicationMessage message, string senderClientId, List<KeyValuePair<Subscriber, SubscriptionOptions>> matches,
        MqttApplicationMessage?[] copies)
    {
        var merged = t_merged ??= new(ReferenceEqualityComparer.Instance);
        Dictionary<Subscriber, List<uint>>? identifiers = null;
        try
        {
            foreach (var (subscriber, options) in matches)
            {
                if ((options.NoLocal && subscriber.ClientId == senderClientId) || !MayReceive(subscriber, message))
                {
                    continue;
                }

                merged[subscriber] = merged.TryGetValue(subscriber, out var so_far)
                    ? new SubscriptionOptions(
                        (MqttQualityOfServiceLevel)Math.Max((int)so_far.Qos, (int)options.Qos),
                        RetainAsPublished: so_far.RetainAsPublished || options.RetainAsPublished)
                    : options with { Identifier = 0 };
                if (options.Identifier > 0)
                {
                    identifiers ??= new(ReferenceEqualityComparer.Instance);
                    if (!identifiers.TryGetValue(subscriber, out var list))
                    {
                        identifiers[subscriber] = list = [];
                    }

                    if (!list.Contains(options.Identifier))
                    {
                        list.Add(options.Identifier);
                    }
                }
            }

            foreach (var (subscriber, options) in merged)
            {
                SessionDelivery.Deliver(subscriber, message, options, identifiers?.GetValueOrDefault(subscriber), copies);
            }

            return merged.Count;
        }
        finally
        {
            merged.Clear();
        }
    }

    /// <summary>Only operators' wildcards reach topics some of them may not see (another tenant's $SYS figures).</summary>
    static bool MayReceive(Subscriber subscriber, MqttApplicationMessage message) =>
        subscriber.Principal is not { Role: Role.Ops } principal || AccessPolicy.MayReceive(principal, message.Topic);

    public void Dispose() => _tree.Dispose();
}
