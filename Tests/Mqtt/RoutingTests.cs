using CreatiWall.Broker.Identity;
using CreatiWall.Tests.Support;
using MQTTnet;
using MQTTnet.Protocol;

namespace CreatiWall.Tests.Mqtt;

/// <summary>
/// The broker routes publishes through its own subscription tree: MQTT's delivery rules must hold exactly as before
/// (overlapping subscriptions, QoS downgrade, no-local, retain-as-published, subscription identifiers, unsubscribe).
/// </summary>
[Collection(SharedHost.Name)]
public sealed class RoutingTests(BrokerHost host)
{
    [Fact]
    public async Task Overlapping_subscriptions_deliver_once_at_the_highest_granted_qos()
    {
        var t = Tenants.New();
        await using var admin = await TestClient.ConnectAsync(host, host.Token(t, "root", Role.Admin));
        await admin.Client.SubscribeAsync(new MqttClientSubscribeOptionsBuilder()
            .WithTopicFilter($"cw/{t}/broadcast", MqttQualityOfServiceLevel.AtMostOnce)
            .WithTopicFilter($"cw/{t}/+", MqttQualityOfServiceLevel.AtLeastOnce)
            .Build());
        await using var publisher = await TestClient.ConnectAsync(host, host.Token(t, "alice"));

        await publisher.PublishAsync($"cw/{t}/broadcast", "once");
        await publisher.PublishAsync($"cw/{t}/content", "sentinel");

        var first = await admin.ReceiveAsync();
        Assert.Equal(("once", MqttQualityOfServiceLevel.AtLeastOnce), (TestClient.Text(first), first.QualityOfServiceLevel));
        Assert.Equal("sentinel", TestClient.Text(await admin.ReceiveAsync()));
    }

    [Fact]
    public async Task A_subscription_granted_qos_0_receives_a_qos_1_publish_at_qos_0()
    {
        var t = Tenants.New();
        await using var subscriber = await TestClient.ConnectAsync(host, host.Token(t, "bob"));
        await subscriber.Client.SubscribeAsync($"cw/{t}/broadcast", MqttQualityOfServiceLevel.AtMostOnce);
        await using var publisher = await TestClient.ConnectAsync(host, host.Token(t, "alice"));

        await publisher.PublishAsync($"cw/{t}/broadcast", "downgraded");

        Assert.Equal(MqttQualityOfServiceLevel.AtMostOnce, (await subscriber.ReceiveAsync()).QualityOfServiceLevel);
    }

    [Fact]
    public async Task No_local_keeps_a_clients_own_messages_from_it_but_not_from_others()
    {
        var t = Tenants.New();
        await using var alice = await TestClient.ConnectAsync(host, host.Token(t, "alice"));
        await alice.Client.SubscribeAsync(new MqttClientSubscribeOptionsBuilder()
            .WithTopicFilter(f => f.WithTopic($"cw/{t}/broadcast").WithAtLeastOnceQoS().WithNoLocal()).Build());
        await using var bob = await TestClient.ConnectAsync(host, host.Token(t, "bob"));
        await bob.SubscribeAsync($"cw/{t}/broadcast");

        await alice.PublishAsync($"cw/{t}/broadcast", "from alice");
        await bob.PublishAsync($"cw/{t}/broadcast", "from bob");

        Assert.Equal("from alice", TestClient.Text(await bob.ReceiveAsync()));
        Assert.Equal("from bob", TestClient.Text(await alice.ReceiveAsync()));
    }

    [Fact]
    public async Task Retain_as_published_keeps_the_retain_flag_on_live_delivery_only_for_who_asked()
    {
        var t = Tenants.New();
        await using var keeps = await TestClient.ConnectAsync(host, host.Token(t, "bob"));
        await keeps.Client.SubscribeAsync(new MqttClientSubscribeOptionsBuilder()
            .WithTopicFilter(f => f.WithTopic($"cw/{t}/channels/menu").WithAtLeastOnceQoS().WithRetainAsPublished()).Build());
        await using var plain = await TestClient.ConnectAsync(host, host.Token(t, "carol"));
        await plain.SubscribeAsync($"cw/{t}/channels/menu");
        await using var publisher = await TestClient.ConnectAsync(host, host.Token(t, "alice"));

        await publisher.PublishAsync($"cw/{t}/channels/menu", "retained", retain: true);

        Assert.True((await keeps.ReceiveAsync()).Retain);
        Assert.False((await plain.ReceiveAsync()).Retain);
        await publisher.PublishAsync($"cw/{t}/channels/menu", "", retain: true); // clear it again
    }

    [Fact]
    public async Task Subscription_identifiers_come_back_with_each_matching_message()
    {
        var t = Tenants.New();
        await using var subscriber = await TestClient.ConnectAsync(host, host.Token(t, "bob"));
        await subscriber.Client.SubscribeAsync(new MqttClientSubscribeOptionsBuilder()
            .WithTopicFilter($"cw/{t}/broadcast", MqttQualityOfServiceLevel.AtLeastOnce).WithSubscriptionIdentifier(7).Build());
        await subscriber.Client.SubscribeAsync(new MqttClientSubscribeOptionsBuilder()
            .WithTopicFilter($"cw/{t}/+", MqttQualityOfServiceLevel.AtLeastOnce).WithSubscriptionIdentifier(9).Build());
        await using var publisher = await TestClient.ConnectAsync(host, host.Token(t, "alice"));

        await publisher.PublishAsync($"cw/{t}/broadcast", "both");
        await publisher.PublishAsync($"cw/{t}/content", "one");

        Assert.Equal([7u, 9u], (await subscriber.ReceiveAsync()).SubscriptionIdentifiers.Order());
        Assert.Equal([9u], (await subscriber.ReceiveAsync()).SubscriptionIdentifiers);
    }

    [Fact]
    public async Task After_unsubscribing_nothing_more_arrives_and_the_publisher_learns_nobody_listens()
    {
        var t = Tenants.New();
        await using var subscriber = await TestClient.ConnectAsync(host, host.Token(t, "bob"));
        await subscriber.SubscribeAsync($"cw/{t}/broadcast", $"cw/{t}/content");
        await using var publisher = await TestClient.ConnectAsync(host, host.Token(t, "alice"));

        Assert.Equal(MqttClientPublishReasonCode.Success, (await publisher.PublishAsync($"cw/{t}/broadcast", "before")).ReasonCode);
        Assert.Equal("before", TestClient.Text(await subscriber.ReceiveAsync()));
        await subscriber.Client.UnsubscribeAsync($"cw/{t}/broadcast");
        var after = await publisher.PublishAsync($"cw/{t}/broadcast", "after");
        await publisher.PublishAsync($"cw/{t}/content", "sentinel");

        Assert.Equal(MqttClientPublishReasonCode.NoMatchingSubscribers, after.ReasonCode);
        Assert.Empty(await subscriber.ReceiveUntilAsync($"cw/{t}/content", "sentinel"));
    }

    [Fact]
    public async Task A_clean_start_under_the_same_client_id_drops_the_old_sessions_subscriptions()
    {
        var t = Tenants.New();
        var id = "router-" + Guid.NewGuid().ToString("N")[..8];
        await using (var first = await TestClient.ConnectAsync(host, host.Token(t, "bob"), clientId: id))
        {
            await first.SubscribeAsync($"cw/{t}/broadcast");
        }

        await using var again = await TestClient.ConnectAsync(host, host.Token(t, "bob"), clientId: id);
        await again.SubscribeAsync($"cw/{t}/content");
        await using var publisher = await TestClient.ConnectAsync(host, host.Token(t, "alice"));

        await publisher.PublishAsync($"cw/{t}/broadcast", "old subscription");
        await publisher.PublishAsync($"cw/{t}/content", "sentinel");

        Assert.Empty(await again.ReceiveUntilAsync($"cw/{t}/content", "sentinel"));
    }

    [Fact]
    public async Task A_persistent_session_gets_what_was_published_while_it_was_away()
    {
        var t = Tenants.New();
        var id = "router-" + Guid.NewGuid().ToString("N")[..8];
        void Persistent(MqttClientOptionsBuilder o) => o.WithCleanStart(false).WithSessionExpiryInterval(300);
        await using (var first = await TestClient.ConnectAsync(host, host.Token(t, "bob"), clientId: id, configure: Persistent))
        {
            await first.SubscribeAsync($"cw/{t}/broadcast");
        }

        await using var publisher = await TestClient.ConnectAsync(host, host.Token(t, "alice"));
        await publisher.PublishAsync($"cw/{t}/broadcast", "while away");
        await using var back = await TestClient.ConnectAsync(host, host.Token(t, "bob"), clientId: id, configure: Persistent);

        Assert.Equal("while away", TestClient.Text(await back.ReceiveAsync()));
    }

    [Fact]
    public async Task A_new_subscription_gets_the_retained_message_flagged_retained_at_its_granted_qos_unless_it_asked_not_to()
    {
        var t = Tenants.New();
        var topic = $"cw/{t}/channels/menu";
        await using var publisher = await TestClient.ConnectAsync(host, host.Token(t, "alice"));
        await publisher.PublishAsync(topic, "today's menu", retain: true);
        await using var subscriber = await TestClient.ConnectAsync(host, host.Token(t, "bob"));

        await subscriber.Client.SubscribeAsync(topic, MqttQualityOfServiceLevel.AtMostOnce);
        var first = await subscriber.ReceiveAsync();
        Assert.Equal(("today's menu", true, MqttQualityOfServiceLevel.AtMostOnce), (TestClient.Text(first), first.Retain, first.QualityOfServiceLevel));

        // Retain handling 1: again only for a new subscription; 2: never. The sentinel proves nothing came before it.
        await subscriber.Client.SubscribeAsync(new MqttClientSubscribeOptionsBuilder().WithTopicFilter(f => f.WithTopic(topic)
            .WithRetainHandling(MqttRetainHandling.SendAtSubscribeIfNewSubscriptionOnly)).Build());
        await subscriber.Client.SubscribeAsync(new MqttClientSubscribeOptionsBuilder().WithTopicFilter(f => f.WithTopic($"cw/{t}/channels/+")
            .WithRetainHandling(MqttRetainHandling.DoNotSendOnSubscribe)).Build());
        await subscriber.SubscribeAsync($"cw/{t}/content");
        await publisher.PublishAsync($"cw/{t}/content", "sentinel");

        Assert.Empty(await subscriber.ReceiveUntilAsync($"cw/{t}/content", "sentinel"));
        await publisher.PublishAsync(topic, "", retain: true);
    }

    [Fact]
    public async Task An_empty_retained_publish_clears_the_topic_for_later_subscribers()
    {
        var t = Tenants.New();
        var topic = $"cw/{t}/channels/ticker";
        await using var publisher = await TestClient.ConnectAsync(host, host.Token(t, "alice"));
        await publisher.PublishAsync(topic, "old", retain: true);
        await publisher.PublishAsync(topic, "", retain: true);
        await publisher.PublishAsync($"cw/{t}/channels/other", "kept", retain: true);
        await using var subscriber = await TestClient.ConnectAsync(host, host.Token(t, "bob"));

        await subscriber.SubscribeAsync($"cw/{t}/channels/+", $"cw/{t}/content");
        await publisher.PublishAsync($"cw/{t}/content", "sentinel");

        Assert.Equal(["kept"], (await subscriber.ReceiveUntilAsync($"cw/{t}/content", "sentinel")).Select(TestClient.Text));
        await publisher.PublishAsync($"cw/{t}/channels/other", "", retain: true);
    }
}
