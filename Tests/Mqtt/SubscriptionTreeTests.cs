using CreatiWall.Broker.Mqtt.Routing;
using MQTTnet;
using MQTTnet.Protocol;

namespace CreatiWall.Tests.Mqtt;

/// <summary>
/// Which filters a topic reaches, through the subscription tree (live messages) and through the retained store's matcher
/// (retained messages for a new subscription): MQTT's matching rules as one truth table for both.
/// </summary>
public sealed class SubscriptionTreeTests
{
    static readonly SubscriptionOptions Qos1 = new(MqttQualityOfServiceLevel.AtLeastOnce);

    [Theory]
    [InlineData("a/b", "a/b", true)]
    [InlineData("a/b", "a/b/c", false)]
    [InlineData("a/b", "a", false)]
    [InlineData("a/b", "a/b/", false)]
    [InlineData("a/+", "a/b", true)]
    [InlineData("a/+", "a/b/c", false)]
    [InlineData("a/+", "a", false)]
    [InlineData("a/+", "a/", true)]
    [InlineData("a/+/c", "a//c", true)]
    [InlineData("+/+", "/a", true)]
    [InlineData("+", "a", true)]
    [InlineData("+", "a/b", false)]
    [InlineData("a/#", "a", true)]
    [InlineData("a/#", "a/b/c", true)]
    [InlineData("a/#", "ab", false)]
    [InlineData("a/b/#", "a/b", true)]
    [InlineData("a/+/#", "a/b", true)]
    [InlineData("a/+/#", "a", false)]
    [InlineData("#", "a/b/c", true)]
    [InlineData("#", "/", true)]
    [InlineData("#", "$SYS/broker/uptime", false)]
    [InlineData("+/broker/uptime", "$SYS/broker/uptime", false)]
    [InlineData("$SYS/#", "$SYS/broker/uptime", true)]
    [InlineData("$SYS/+/uptime", "$SYS/broker/uptime", true)]
    [InlineData("cw/t1/devices/+/status", "cw/t1/devices/d1/status", true)]
    [InlineData("cw/t1/devices/+/status", "cw/t2/devices/d1/status", false)]
    public void A_topic_reaches_a_filter_exactly_when_MQTT_says_so(string filter, string topic, bool matches)
    {
        var tree = new SubscriptionTree<string>();
        tree.Add("s", filter, Qos1);
        var found = new List<KeyValuePair<string, SubscriptionOptions>>();

        tree.Match(topic, found);

        Assert.Equal(matches, found.Count == 1);
        Assert.Equal(matches, RetainedMessages.Matches(topic, filter));
    }

    [Fact]
    public void Both_agree_with_MQTTnet_on_random_filters_and_topics()
    {
        var random = new Random(1234);
        string Levels(bool wildcards) => string.Join('/', Enumerable.Range(0, random.Next(1, 5)).Select(_ => wildcards && random.Next(4) == 0 ? "+" : "abc"[random.Next(3)].ToString()));
        var filters = Enumerable.Range(0, 300).Select(_ => Levels(true) + (random.Next(4) == 0 ? "/#" : "")).Distinct().ToList();
        var tree = new SubscriptionTree<string>();
        foreach (var filter in filters)
        {
            tree.Add(filter, filter, Qos1);
        }

        for (var i = 0; i < 2000; i++)
        {
            var topic = Levels(false);
            var found = new List<KeyValuePair<string, SubscriptionOptions>>();
            tree.Match(topic, found);
            var expected = filters.Where(f => Matches(topic, f)).Order();
            Assert.Equal(expected, found.Select(m => m.Key).Order());
            Assert.Equal(expected, filters.Where(f => RetainedMessages.Matches(topic, f)).Order());
        }
    }

    /// <summary>
    /// MQTTnet's comparer, plus the rule it misses when '+' comes before a final '#': "a/+/#" matches "a/b" (MQTT 4.7.1.2:
    /// '#' also matches the parent level), as Mosquitto does.
    /// </summary>
    static bool Matches(string topic, string filter) =>
        MqttTopicFilterComparer.Compare(topic, filter) == MqttTopicFilterCompareResult.IsMatch ||
        (filter.EndsWith("/#", StringComparison.Ordinal) && MqttTopicFilterComparer.Compare(topic, filter[..^2]) == MqttTopicFilterCompareResult.IsMatch);

    [Fact]
    public void Overlapping_filters_report_each_subscriber_once_per_filter()
    {
        var tree = new SubscriptionTree<string>();
        tree.Add("s", "a/b", Qos1);
        tree.Add("s", "a/+", Qos1 with { Qos = MqttQualityOfServiceLevel.AtMostOnce });
        tree.Add("other", "a/b", Qos1);
        var found = new List<KeyValuePair<string, SubscriptionOptions>>();

        var filters = tree.Match("a/b", found);

        Assert.Equal(2, filters);
        Assert.Equal(["other", "s", "s"], found.Select(m => m.Key).Order());
    }

    [Fact]
    public void Subscribing_again_replaces_the_options_and_unsubscribing_stops_matching()
    {
        var tree = new SubscriptionTree<string>();
        tree.Add("s", "a/+", Qos1);
        tree.Add("s", "a/+", new SubscriptionOptions(MqttQualityOfServiceLevel.AtMostOnce, NoLocal: true));
        var found = new List<KeyValuePair<string, SubscriptionOptions>>();

        tree.Match("a/b", found);
        Assert.Equal([new("s", new SubscriptionOptions(MqttQualityOfServiceLevel.AtMostOnce, NoLocal: true))], found);

        tree.Remove("s", "a/+");
        found.Clear();
        tree.Match("a/b", found);
        Assert.Empty(found);
    }

    [Fact]
    public void Subscribers_of_a_filter_come_and_go_in_any_order()
    {
        // Against a plain model: one subscriber per filter is kept inline, more in a dictionary, and back again.
        var tree = new SubscriptionTree<object>();
        var model = new Dictionary<string, Dictionary<object, SubscriptionOptions>>();
        object[] subscribers = [new(), new(), new(), new()];
        string[] filters = ["a/b", "a", "a/", "", "x/y/z"];
        var random = new Random(7);
        var found = new List<KeyValuePair<object, SubscriptionOptions>>();
        for (var step = 0; step < 3000; step++)
        {
            var filter = filters[random.Next(filters.Length)];
            var subscriber = subscribers[random.Next(subscribers.Length)];
            var subscribed = model.TryGetValue(filter, out var holders) ? holders : model[filter] = new(ReferenceEqualityComparer.Instance);
            if (random.Next(3) == 0)
            {
                tree.Remove(subscriber, filter);
                subscribed.Remove(subscriber);
            }
            else
            {
                var options = new SubscriptionOptions((MqttQualityOfServiceLevel)random.Next(3));
                tree.Add(subscriber, filter, options);
                subscribed[subscriber] = options;
            }

            foreach (var topic in filters)
            {
                found.Clear();
                var matched = tree.Match(topic, found);
                var expected = model.GetValueOrDefault(topic) ?? [];
                Assert.Equal(expected.Count > 0 ? 1 : 0, matched);
                Assert.Equal(expected.Count, found.Count);
                Assert.All(found, m => Assert.Equal(expected[m.Key], m.Value));
            }
        }
    }
}
