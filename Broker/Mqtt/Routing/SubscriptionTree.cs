using MQTTnet.Protocol;

namespace CreatiWall.Broker.Mqtt.Routing;

/// <summary>What a session asked for with one filter (MQTT 5 options included).</summary>
internal readonly record struct SubscriptionOptions(MqttQualityOfServiceLevel Qos, bool NoLocal = false, bool RetainAsPublished = false, uint Identifier = 0)
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
internal sealed class SubscriptionTree<TSubscriber> : IDisposable where TSubscriber : class
{
    sealed class Node
    {
        static readonly IEqualityComparer<TSubscriber> ByReference = (IEqualityComparer<TSubscriber>)ReferenceEqualityComparer.Instance;

        public Dictionary<string, Node>? Children;

        // Most filters have one subscriber (a screen's own topics), kept inline; a dictionary only from the second on.
        TSubscriber? _single;
        SubscriptionOptions _singleOptions;
        Dictionary<TSubscriber, SubscriptionOptions>? _many;

        public bool IsEmpty => Children is not { Count: > 0 } && _single is null && _many is not { Count: > 0 };

        public void Set(TSubscriber subscriber, SubscriptionOptions options)
        {
            if (_many is not null)
            {
                _many[subscriber] = options;
            }
            else if (_single is null || ReferenceEquals(_single, subscriber))
            {
                (_single, _singleOptions) = (subscriber, options);
            }
            else
            {
                _many = new(ByReference) { [_single] = _singleOptions, [subscriber] = options };
                (_single, _singleOptions) = (null, default);
            }
        }

        public void Remove(TSubscriber subscriber)
        {
            if (_many is not null)
            {
                _many.Remove(subscriber);
                if (_many.Count == 0)
                {
                    _many = null;
                }
            }
            else if (ReferenceEquals(_single, subscriber))
            {
                (_single, _singleOptions) = (null, default);
            }
        }

        /// <summary>Adds this filter's subscribers to <paramref name="matches"/>; 1 when it has any (one filter matched).</summary>
        public int Collect(List<KeyValuePair<TSubscriber, SubscriptionOptions>> matches)
        {
            if (_single is not null)
            {
                matches.Add(new(_single, _singleOptions));
                return 1;
            }

            if (_many is { Count: > 0 } many)
            {
                matches.AddRange(many);
                return 1;
            }

            return 0;
        }
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
            var text = filter.AsSpan();
            foreach (var range in text.Split('/'))
            {
                var level = text[range];
                node.Children ??= new(StringComparer.Ordinal);
                if (!node.Children.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(level, out var child))
                {
                    node.Children[level.ToString()] = child = new Node(); // a level's string only for a new branch
                }

                node = child;
            }

            node.Set(subscriber, options);
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
            Remove(_root, filter, 0, subscriber);
        }
        finally
        {
            _lock.ExitWriteLock();
        }
    }

    /// <summary>Removes the subscription below <paramref name="node"/>, <paramref name="start"/> being where its next level starts.</summary>
    static void Remove(Node node, string filter, int start, TSubscriber subscriber)
    {
        if (start > filter.Length)
        {
            node.Remove(subscriber);
            return;
        }

        var end = filter.IndexOf('/', start);
        var level = filter.AsSpan(start, (end < 0 ? filter.Length : end) - start);
        if (node.Children?.GetAlternateLookup<ReadOnlySpan<char>>() is { } children && children.TryGetValue(level, out var child))
        {
            Remove(child, filter, start + level.Length + 1, subscriber);
            if (child.IsEmpty)
            {
                children.Remove(level); // no empty branches left behind by client churn
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
            filters += hash.Collect(matches); // '#' also matches the parent level: "a/#" matches "a"
        }

        var end = topic.IndexOf('/', start);
        var level = topic.AsSpan(start, (end < 0 ? topic.Length : end) - start);
        var lookup = children.GetAlternateLookup<ReadOnlySpan<char>>();
        if (lookup.TryGetValue(level, out var exact))
        {
            filters += end < 0 ? exact.Collect(matches) + CollectHashChild(exact, matches) : Match(exact, topic, end + 1, matches, true);
        }

        if (wildcardsAllowed && children.TryGetValue("+", out var plus))
        {
            filters += end < 0 ? plus.Collect(matches) + CollectHashChild(plus, matches) : Match(plus, topic, end + 1, matches, true);
        }

        return filters;
    }

    /// <summary>At the topic's last level, "…/level/#" matches too.</summary>
    static int CollectHashChild(Node node, List<KeyValuePair<TSubscriber, SubscriptionOptions>> matches) =>
        node.Children?.TryGetValue("#", out var hash) == true ? hash.Collect(matches) : 0;

    public void Dispose() => _lock.Dispose();
}
