using System.Text;

namespace CreatiWall.Broker.Mqtt.Limits;

internal enum TopicProblem
{
    None,

    /// <summary>More UTF-8 bytes than <c>Mqtt:MaxTopicLength</c>.</summary>
    TooLong,

    /// <summary>More levels than <c>Mqtt:MaxTopicLevels</c>.</summary>
    TooManyLevels,
}

/// <summary>
/// <c>Mqtt:MaxTopicLength</c> and <c>Mqtt:MaxTopicLevels</c> for topic names (PUBLISH, PUBACK 0x90) and filters
/// (SUBSCRIBE, SUBACK 0x8F): judged before the access rules, so a 64 KB topic of 30,000 levels costs one scan.
/// </summary>
internal static class TopicLimits
{
    public static TopicProblem Check(string topic, int maxBytes, int maxLevels)
    {
        // Each character is 1 to 3 UTF-8 bytes (a surrogate pair, 2 characters, is 4): count only when it matters.
        if (topic.Length > maxBytes || (topic.Length * 3 > maxBytes && Encoding.UTF8.GetByteCount(topic) > maxBytes))
        {
            return TopicProblem.TooLong;
        }

        return topic.AsSpan().Count('/') + 1 > maxLevels ? TopicProblem.TooManyLevels : TopicProblem.None;
    }

    /// <summary>The name of <paramref name="problem"/> in <c>cw_mqtt_limits_hit_total</c>.</summary>
    public static string Metric(this TopicProblem problem) => problem == TopicProblem.TooLong ? "topic-length" : "topic-levels";

    public static string Describe(this TopicProblem problem, int maxBytes, int maxLevels) => problem == TopicProblem.TooLong
        ? $"the topic is longer than {maxBytes} bytes"
        : $"the topic has more than {maxLevels} levels";
}
