using System.Collections.Concurrent;
using MQTTnet;

namespace CreatiWall.Broker.Mqtt.Routing;

/// <summary>
/// The retained message of each topic. Kept here rather than in MQTTnet, whose SUBSCRIBE handling copies its whole
/// retained list and matches every filter against every entry (with a retained status per screen, that made each
/// screen's connect cost grow with the fleet).
/// </summary>
public sealed class RetainedMessages
{
    readonly ConcurrentDictionary<string, MqttApplicationMessage> _byTopic = new(StringComparer.Ordinal);

    public int Count => _byTopic.Count;

    public void Load(IEnumerable<MqttApplicationMessage> messages)
    {
        foreach (var message in messages)
        {
            Set(message);
        }
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
}
