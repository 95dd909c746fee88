using System.Collections.Concurrent;
using CreatiWall.Broker.Access;
using CreatiWall.Broker.Storage;
using Microsoft.Extensions.Logging;
using MQTTnet;

namespace CreatiWall.Broker.Mqtt.Routing;

/// <summary>
/// The retained message of each topic, kept in memory and in the store (so it survives restarts). Kept here rather than
/// in MQTTnet, whose SUBSCRIBE handling copies its whole retained list and matches every filter against every entry
/// (with a retained status per screen, that made each screen's connect cost grow with the fleet).
/// </summary>
internal sealed partial class RetainedMessages(IRetainedStore store, ILogger<RetainedMessages> logger)
{
    readonly ConcurrentDictionary<string, MqttApplicationMessage> _byTopic = new(StringComparer.Ordinal);

    // Cluster mode (a store that looks messages up): no copy of every tenant's retained set in memory; a new
    // subscription reads what it needs (LookupAsync). Only $SYS, per node and never stored there, is kept here.
    readonly IRetainedLookup? _lookup = store as IRetainedLookup;

    /// <summary>Cluster mode: retained messages are read from the store on subscribe (<see cref="LookupAsync"/>), not loaded.</summary>
    public bool ReadsThrough => _lookup is not null;

    public int Count => _byTopic.Count;

    /// <summary>Loads the stored messages; those on topics that keep none (stored by older versions) are deleted instead.</summary>
    public async Task LoadAsync()
    {
        if (_lookup is not null)
        {
            return;
        }

        foreach (var message in await store.LoadRetainedAsync())
        {
            if (TopicTable.KeepsRetained(message.Topic))
            {
                Set(message);
                continue;
            }

            await store.SaveRetainedAsync(new MqttApplicationMessage { Topic = message.Topic, Retain = true });
            LogCleared(message.Topic);
        }
    }

    /// <summary>
    /// Keeps <paramref name="message"/> as its topic's retained one, and stores it. Queued, not awaited: one retained publish
    /// must not wait for a commit of its own; queued ones are committed together, in order. Whoever must know a retained
    /// message is durable flushes the store.
    /// </summary>
    public void Keep(MqttApplicationMessage message)
    {
        if (_lookup is null || message.Topic.StartsWith('$'))
        {
            Set(message);
        }

        store.SaveRetainedAsync(message).ContinueWith(
            t => LogNotSaved(t.Exception!, message.Topic), TaskContinuationOptions.OnlyOnFaulted);
    }

    /// <summary>Keeps the message as its topic's retained one; an empty payload clears the topic (MQTT 3.3.1.3).</summary>
    public void Set(MqttApplicationMessage message)
    {
        if (message.Payload.IsEmpty)
        {
            _byTopic.TryRemove(message.Topic, out _);
        }
        else
        {
            _byTopic[message.Topic] = message;
        }
    }

    public MqttApplicationMessage? Get(string topic) => _byTopic.GetValueOrDefault(topic);

    /// <summary>The retained messages a new subscription to <paramref name="filter"/> receives.</summary>
    public IEnumerable<MqttApplicationMessage> Matching(string filter)
    {
        if (filter.AsSpan().IndexOfAny('+', '#') < 0)
        {
            return Get(filter) is { } exact ? [exact] : [];
        }

        // Wildcard filters (operators, dashboards) are rare next to the screens' exact ones: a scan is enough.
        return _byTopic.Values.Where(m => Matches(m.Topic, filter));
    }

    /// <summary>
    /// Cluster mode: the stored retained messages a new subscription to <paramref name="filter"/> receives (one read for
    /// a topic, the tenant's set for a wildcard; every tenant's only for a filter with a wildcard in place of the tenant).
    /// Empty on a single node, and when the store fails (logged: the subscription stands, without its retained messages).
    /// </summary>
    public async Task<IReadOnlyList<MqttApplicationMessage>> LookupAsync(string filter)
    {
        if (_lookup is null || filter.StartsWith('$'))
        {
            return [];
        }

        try
        {
            if (filter.AsSpan().IndexOfAny('+', '#') < 0)
            {
                return await _lookup.GetRetainedAsync(filter) is { } exact ? [exact] : [];
            }

            var levels = filter.Split('/');
            var tenants = levels[0] is "+" or "#" || (levels[0] == "cw" && levels.Length > 1 && levels[1] is "+" or "#")
                ? await _lookup.ListRetainedTenantsAsync()
                : [levels[0] == "cw" && levels.Length > 1 ? levels[1] : "_"];
            var found = new List<MqttApplicationMessage>();
            foreach (var tenant in tenants)
            {
                found.AddRange((await _lookup.ListRetainedAsync(tenant)).Where(m => Matches(m.Topic, filter)));
            }

            return found;
        }
        catch (Exception error)
        {
            LogLookupFailed(error, filter);
            return [];
        }
    }

    /// <summary>MQTT 4.7: '+' is one level, '#' the rest (and the parent), wildcards first never reach '$' topics.</summary>
    public static bool Matches(string topic, string filter)
    {
        if (topic.StartsWith('$') && filter.Length > 0 && filter[0] is '+' or '#')
        {
            return false;
        }

        var t = topic.Split('/');
        var f = filter.Split('/');
        for (var i = 0; i < f.Length; i++)
        {
            if (f[i] == "#")
            {
                return true;
            }

            if (i >= t.Length || (f[i] != "+" && f[i] != t[i]))
            {
                return false;
            }
        }

        return t.Length == f.Length;
    }

    [LoggerMessage(LogLevel.Warning, "Retained message of {Topic} deleted: the topic keeps no retained message")]
    partial void LogCleared(string topic);

    [LoggerMessage(LogLevel.Warning, "Retained messages for {Filter} could not be read from the store")]
    partial void LogLookupFailed(Exception error, string filter);

    [LoggerMessage(LogLevel.Error, "Retained message of {Topic} could not be stored")]
    partial void LogNotSaved(Exception error, string topic);
}
