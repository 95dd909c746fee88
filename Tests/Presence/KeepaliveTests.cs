using System.Diagnostics;
using CreatiWall.Broker.Identity;
using CreatiWall.Tests.Support;

namespace CreatiWall.Tests.Presence;

/// <summary>A frozen screen goes offline after 1.5 × its keepalive. Own host: it runs beside the shared one.</summary>
public sealed class KeepaliveTests(BrokerHost host) : IClassFixture<BrokerHost>
{
    [Fact]
    public async Task A_frozen_device_goes_offline_with_keepalive_timeout_after_one_and_a_half_keepalives()
    {
        const string t = "kt";
        await using var watcher = await StatusWatcher.StartAsync(host, t);
        await using var device = Mosquitto.StartSub(host, "mqttv311", "screen-1", host.Token(t, "screen-1", Role.Device),
            "-i", "screen-1", "-k", "5", "--will-topic", $"cw/{t}/devices/screen-1/status", "--will-payload", "will: frozen", "-t", $"cw/{t}/devices/screen-1/layout");
        await device.SubscribedAsync();
        await watcher.NextAsync("online");

        device.Process.Signal("STOP");
        var frozen = Stopwatch.StartNew();

        Assert.Equal("will: frozen", await watcher.NextRawAsync(TimeSpan.FromSeconds(15)));
        var offline = await watcher.NextAsync("offline");
        Assert.Equal("keepalive-timeout", offline.GetProperty("reason").GetString());
        Assert.InRange(frozen.Elapsed, TimeSpan.FromSeconds(6.5), TimeSpan.FromSeconds(10));
        device.Process.Signal("CONT");
    }
}
