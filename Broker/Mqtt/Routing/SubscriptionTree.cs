using MQTTnet.Protocol;

namespace CreatiWall.Broker.Mqtt.Routing;

/// <summary>What a session asked for with one filter (MQTT 5 options included).</summary>
public readonly record struct SubscriptionOptions(MqttQualityOfServiceLevel Qos, bool NoLocal = false, bool RetainAsPublished = false, uint Identifier = 0)
{
    /// <summary>The QoS a message published at <paramref name="published"/> is delivered at: never above the granted one.</summary>
    public MqttQualityOfServiceLevel Deliverable(MqttQualityOfServiceLevel published) => (MqttQualityOfServiceLevel)Math.Min((int)published, (int)Qos);

    /// <summary>The subscription identifier as sent back with a message (MQTT 5), or null when there is none.</summary>
    public List<uint>? Identifiers => Identifier > 0 ? [Identifier] : null;
}

/// <summary>
/// Every subscription of every session in a tree of topic levels, so a publish finds its subscribers by walking
/// its own levels (plus the <c>+</c> and <c>#</c> branches), however many sessions are connected.
/// </summary>
/// <typeparam name="TSubscriber">Whoever subscribed; compared by reference.</typeparam>
public sealed class SubscriptionTree<TSubscriber> where TSubscriber : class
{
    sealed class Node
    {
        public Dictionary<string, Node>? Children;
        public Dictionary<TSubscriber, SubscriptionOptions>? Subscribers;

        public bool IsEmpty => Children is not { Count: > 0 } && Subscribers is not { Count: > 0 };
    }

    readonly Node _root = new();
    readonly ReaderWriterLockSlim _lock = new();

    /// <summary>Adds the subscription, or replaces the options of the same filter (MQTT: a repeated SUBSCRIBE replaces).</summary>
    public void Add(TSubscriber subscriber, string filter, SubscriptionOptions options)
    {
        _lock.EnterWriteLock();
        try
        {
            var node = _root;
            foreach (var level in filter.Split('/'))
            {
                node.Children ??= new(StringComparer.Ordinal);
                if (!node.Children.TryGetValue(level, out var child))
                {
                    node.Children[level] = child = new Node();
                }

                node = child;
            }

            (node.Subscribers ??= new(ReferenceEqualityComparer.Instance as IEqualityComparer<TSubscriber>))[subscriber] = options;
        }
        finally
        {
            _lock.ExitWriteLock();
        }
    }

    public void Remove(TSubscriber subscriber, string filter)
    {
        _lock.EnterWriteLock();
        try
        {
            Remove(_root, filter.Split('/'), 0, subscriber);
        }
        finally
        {
            _lock.ExitWriteLock();
        }
    }

    static void Remove(Node node, string[] levels, int depth, TSubscriber subscriber)
    {
        if (depth == levels.Length)
        {
            node.Subscribers?.Remove(subscriber);
            return;
        }

        if (node.Children?.TryGetValue(levels[depth], out var child) == true)
        {
            Remove(child, levels, depth + 1, subscriber);
            if (child.IsEmpty)
            {
                node.Children.Remove(levels[depth]); // no empty branches left behind by client churn
            }
        }
    }

    /// <summary>
    /// Adds every subscription matching <paramref name="topic"/> to <paramref name="matches"/>, and returns how many
    /// filters matched (more than one: a subscriber may appear more than once, through overlapping filters).
    /// </summary>
    public int Match(string topic, List<KeyValuePair<TSubscriber, SubscriptionOptions>> matches)
    {
        _lock.EnterReadLock();
        try
        {
            // A topic starting with '$' is not matched by a filter starting with a wildcard (MQTT 4.7.2).
            return Match(_root, topic, 0, matches, wildcardsAllowed: !topic.StartsWith('$'));
        }
        finally
        {
            _lock.ExitReadLock();
        }
    }

    static int Match(Node node, string topic, int start, List<KeyValuePair<TSubscriber, SubscriptionOptions>> matches, bool wildcardsAllowed)
    {
        if (node.Children is not { Count: > 0 } children)
        {
            return 0;
        }

        var filters = 0;
        if (wildcardsAllowed && children.TryGetValue("#", out var hash))
        {
            filters += Collect(hash, matches); // '#' also matches the parent level: "a/#" matches "a"
        }

        var end = topic.IndexOf('/', start);
        var level = topic.AsSpan(start, (end < 0 ? topic.Length : end) - start);
        var lookup = children.GetAlternateLookup<ReadOnlySpan<char>>();
        if (lookup.TryGetValue(level, out var exact))
        {
            filters += end < 0 ? Collect(exact, matches) + CollectHashChild(exact, matches) : Match(exact, topic, end + 1, matches, true);
        }

        if (wildcardsAllowed && children.TryGetValue("+", out var plus))
        {
            filters += end < 0 ? Collect(plus, matches) + CollectHashChild(plus, matches) : Match(plus, topic, end + 1, matches, true);
        }

        return filters;
    }

    /// <summary>At the topic's last level, "…/level/#" matches too.</summary>
    static int CollectHashChild(Node node, List<KeyValuePair<TSubscriber, SubscriptionOptions>> matches) =>
        node.Children?.TryGetValue("#", out var hash) == true ? Collect(hash, matches) : 0;

    static int Collect(Node node, List<KeyValuePair<TSubscriber, SubscriptionOptions>> matches)
    {
        if (node.Subscribers is not { Count: > 0 } subscribers)
        {
            return 0;
        }

        matches.AddRange(subscribers);
        return 1;
    }
}
