using System.ComponentModel.DataAnnotations;
using System.Net;
using CreatiWall.Broker.Identity;
using CreatiWall.Broker.Mqtt;
using CreatiWall.Broker.Mqtt.Limits;
using CreatiWall.Broker.Mqtt.Rules;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using MQTTnet.Protocol;

namespace CreatiWall.Tests.Rules;

/// <summary>The limits' decisions on a fake clock: per address, per tenant, per client, per topic. No sockets.</summary>
public sealed class LimitsTests
{
    static readonly Principal Alice = new("t1", "alice", Role.User, new HashSet<string>(), DateTimeOffset.UtcNow.AddHours(1), null);

    readonly FakeTimeProvider _clock = new();

    AddressLimits Addresses(double perSecond = 0, int burst = 1, int failures = 0, int window = 60, int ban = 30) =>
        new(Options.Create(new MqttOptions
        {
            ConnectsPerAddressPerSecond = perSecond,
            ConnectBurstPerAddress = burst,
            AuthFailuresPerAddress = failures,
            AuthFailureWindowSeconds = window,
            AuthBanSeconds = ban,
        }), _clock);

    [Fact]
    public void A_bucket_gives_its_burst_then_its_rate_and_a_refusal_takes_nothing()
    {
        var bucket = new TokenBucket(2, 3, _clock.GetTimestamp(), _clock.TimestampFrequency);
        var now = _clock.GetTimestamp;

        Assert.Equal([true, true, true, false], [.. Enumerable.Range(0, 4).Select(_ => bucket.TryTake(1, now()))]);
        _clock.Advance(TimeSpan.FromMilliseconds(500));
        Assert.True(bucket.TryTake(1, now()));
        Assert.False(bucket.TryTake(1, now()));
        _clock.Advance(TimeSpan.FromSeconds(60));
        Assert.True(bucket.IsFull(now())); // never more than the burst
        Assert.False(bucket.TryTake(4, now()));
        Assert.True(bucket.TryTake(3, now()));
    }

    [Fact]
    public void Each_address_has_its_own_connect_rate()
    {
        var limits = Addresses(perSecond: 0.5, burst: 2);

        Assert.Equal(AddressVerdict.Allowed, limits.Attempt("10.0.0.1"));
        Assert.Equal(AddressVerdict.Allowed, limits.Attempt("10.0.0.1"));
        Assert.Equal(AddressVerdict.RateExceeded, limits.Attempt("10.0.0.1"));
        Assert.Equal(AddressVerdict.Allowed, limits.Attempt("10.0.0.2"));
        _clock.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal(AddressVerdict.Allowed, limits.Attempt("10.0.0.1"));
        Assert.Equal(AddressVerdict.RateExceeded, limits.Attempt("10.0.0.1"));
    }

    [Fact]
    public void Failed_authentications_within_the_window_ban_the_address_for_the_ban_time_only()
    {
        var limits = Addresses(failures: 3, window: 60, ban: 30);

        Assert.False(limits.AuthFailed("10.0.0.1"));
        Assert.False(limits.AuthFailed("10.0.0.1"));
        Assert.Equal(AddressVerdict.Allowed, limits.Attempt("10.0.0.1"));
        Assert.True(limits.AuthFailed("10.0.0.1")); // the third: banned from now
        Assert.False(limits.AuthFailed("10.0.0.1")); // already banned: no second ban reported
        Assert.Equal(AddressVerdict.Banned, limits.Attempt("10.0.0.1"));
        Assert.Equal(AddressVerdict.Allowed, limits.Attempt("10.0.0.2"));

        _clock.Advance(TimeSpan.FromSeconds(29));
        Assert.Equal(AddressVerdict.Banned, limits.Attempt("10.0.0.1"));
        _clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(AddressVerdict.Allowed, limits.Attempt("10.0.0.1"));
    }

    [Fact]
    public void Failures_spread_wider_than_the_window_never_ban()
    {
        var limits = Addresses(failures: 3, window: 60);
        for (var i = 0; i < 10; i++)
        {
            Assert.False(limits.AuthFailed("10.0.0.1"));
            _clock.Advance(TimeSpan.FromSeconds(31)); // two per window at most
        }

        Assert.Equal(AddressVerdict.Allowed, limits.Attempt("10.0.0.1"));
        var off = Addresses(perSecond: 0, failures: 0); // both off: nothing refused, nothing kept
        Assert.False(off.AuthFailed("10.0.0.1"));
        Assert.Equal(AddressVerdict.Allowed, off.Attempt("10.0.0.1"));
        Assert.Equal(0, off.Count);
    }

    [Fact]
    public void Addresses_whose_limits_have_run_out_are_forgotten_so_a_scan_costs_memory_only_while_it_lasts()
    {
        var limits = Addresses(perSecond: 10, burst: 5, failures: 3);
        for (var i = 0; i < 5000; i++)
        {
            limits.Attempt($"10.0.{i / 256}.{i % 256}");
        }

        _clock.Advance(TimeSpan.FromSeconds(61));
        limits.AuthFailed("10.1.0.1");
        for (var i = 0; i < 2000; i++)
        {
            limits.Attempt($"10.2.{i / 256}.{i % 256}");
        }

        Assert.Equal(2001, limits.Count); // the first 5,000 ran out and were swept, on the first CONNECT a minute later
        _clock.Advance(TimeSpan.FromSeconds(30));
        limits.Attempt("10.3.0.1");
        Assert.Equal(2002, limits.Count); // at most one sweep a minute (and on doubling): a CONNECT costs O(1) amortised
    }

    [Theory]
    [InlineData("192.0.2.7", "192.0.2.7")]
    [InlineData("::ffff:192.0.2.7", "192.0.2.7")]
    [InlineData("2001:db8:1:2:aaaa:bbbb:cccc:dddd", "2001:db8:1:2::/64")]
    [InlineData("2001:db8:1:2::1", "2001:db8:1:2::/64")]
    public void Addresses_are_counted_per_ipv4_address_and_per_ipv6_64(string address, string key) =>
        Assert.Equal(key, AddressLimits.KeyOf(new IPEndPoint(IPAddress.Parse(address), 1883)));

    [Fact]
    public void A_publish_over_either_budget_is_refused_and_takes_from_neither()
    {
        var budget = new PublishBudget(new PublishLimits(MessagesPerSecond: 1, MessageBurst: 3, BytesPerSecond: 100, ByteBurst: 1000), _clock);

        Assert.Equal(PublishRate.Within, budget.Take(900));
        Assert.Equal(PublishRate.TooManyBytes, budget.Take(200));
        Assert.Equal(PublishRate.Within, budget.Take(100)); // the refused one took no message either
        Assert.Equal(PublishRate.Within, budget.Take(0));
        Assert.Equal(PublishRate.TooManyMessages, budget.Take(0));
        _clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(PublishRate.Within, budget.Take(100));

        var unlimited = new PublishBudget(new PublishLimits(0, 1, 0, 1024), _clock);
        Assert.All(Enumerable.Range(0, 1000), _ => Assert.Equal(PublishRate.Within, unlimited.Take(1_000_000)));
    }

    [Fact]
    public void A_tenant_at_its_cap_gets_no_new_connection_but_a_takeover_of_its_own()
    {
        var tenants = new TenantConnections();

        Assert.True(tenants.TryOpen("t1", 2, replacing: false));
        Assert.True(tenants.TryOpen("t1", 2, replacing: false));
        Assert.False(tenants.TryOpen("t1", 2, replacing: false));
        Assert.True(tenants.TryOpen("t2", 2, replacing: false));
        Assert.True(tenants.TryOpen("t1", 2, replacing: true)); // a screen back before its old connection ended
        tenants.Close("t1"); // the old one ends
        Assert.Equal(2, tenants.Count("t1"));
        tenants.Close("t1");
        Assert.True(tenants.TryOpen("t1", 2, replacing: false));
    }

    [Theory]
    [InlineData("cw/t1/broadcast", nameof(TopicProblem.None))]
    [InlineData("cw/t1/channels/a/b/c/d/e", nameof(TopicProblem.None))] // 8 levels
    [InlineData("cw/t1/channels/a/b/c/d/e/f", nameof(TopicProblem.TooManyLevels))]
    [InlineData("cw/t1/channels/+/x/y/z/w/#", nameof(TopicProblem.TooManyLevels))]
    [InlineData("cw/t1/channels/0123456789012345678901234567890123456789012345678", nameof(TopicProblem.None))] // 64 bytes
    [InlineData("cw/t1/channels/01234567890123456789012345678901234567890123456789", nameof(TopicProblem.TooLong))]
    [InlineData("cw/t1/channels/éééééééééééééééééééééééééé", nameof(TopicProblem.TooLong))] // 41 characters, 67 bytes
    public void Topics_are_judged_by_their_utf8_bytes_and_levels(string topic, string problem) =>
        Assert.Equal(problem, TopicLimits.Check(topic, maxBytes: 64, maxLevels: 8).ToString());

    [Fact]
    public void Address_refusals_carry_the_documented_reason_codes()
    {
        var options = new MqttOptions();
        Assert.Equal(MqttConnectReasonCode.ConnectionRateExceeded, ConnectRules.Refusal(AddressVerdict.RateExceeded, "192.0.2.7", options)!.Code);
        Assert.Equal(MqttConnectReasonCode.Banned, ConnectRules.Refusal(AddressVerdict.Banned, "192.0.2.7", options)!.Code);
        Assert.Null(ConnectRules.Refusal(AddressVerdict.Allowed, "192.0.2.7", options));
        Assert.All([ConnectRules.Refusal(AddressVerdict.Banned, "192.0.2.7", options)!, ConnectRules.TenantFull(3, Alice)], r => Assert.True(r.IsLimit));
        Assert.Equal(MqttConnectReasonCode.QuotaExceeded, ConnectRules.TenantFull(3, Alice).Code);
    }

    [Fact]
    public void A_byte_burst_smaller_than_the_largest_packet_is_refused_at_start_up()
    {
        var options = new MqttOptions { MaxPacketBytes = 4096, PublishBytesBurst = 2048 };
        var results = new List<ValidationResult>();

        Assert.False(Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true));
        Assert.Contains("Mqtt:PublishBytesBurst", results.Single().ErrorMessage, StringComparison.Ordinal);
        options.PublishBytesPerSecond = 0; // no byte limit: no burst to fit in
        Assert.True(Validator.TryValidateObject(options, new ValidationContext(options), [], validateAllProperties: true));
    }
}
