using System.Net;
using System.Text.Json;
using CreatiWall.Broker.Identity;
using CreatiWall.Tests.Support;

namespace CreatiWall.Tests.Durability;

/// <summary>kill -9 the host right after a 2xx: nothing acknowledged is missing after the restart. Own host.</summary>
public sealed class CrashRecoveryTests(BrokerHost host) : IClassFixture<BrokerHost>
{
    [Fact]
    public async Task A_layout_acknowledged_before_a_crash_is_there_after_the_restart()
    {
        const string t = "crash";
        var admin = host.Token(t, "root", Role.Admin);
        var screen = await TestClient.ConnectAsync(host, host.Token(t, "screen-1", Role.Device), "screen-1");
        await using (var editor = await TestClient.ConnectAsync(host, host.Token(t, "editor")))
        {
            await editor.PublishAsync($"cw/{t}/channels/menu", "today: soup", retain: true);
            await editor.PublishAsync($"cw/{t}/channels/gone", "x", retain: true);
            await editor.PublishAsync($"cw/{t}/channels/gone", "", retain: true); // an empty retained payload deletes
        }

        var before = await host.PostAsync("/api/websocket/broadcast", admin, new { type = "notification", data = new { } });
        var update = await host.PostAsync("/api/websocket/layout-update", admin, new { layoutId = "survivor", deviceIds = new[] { "screen-1", "screen-2" } });
        Assert.Equal(HttpStatusCode.OK, update.Status);
        var messageId = update.Data.GetProperty("messageId").GetString();

        await host.CrashAndRestartAsync();
        screen.Client.Dispose();

        // A new subscriber to the layout topic gets the layout.
        await using var device = await TestClient.ConnectAsync(host, host.Token(t, "screen-2", Role.Device), "screen-2");
        await device.SubscribeAsync($"cw/{t}/devices/screen-2/layout");
        var layout = JsonDocument.Parse((await device.ReceiveAsync()).Payload).RootElement;
        Assert.Equal(messageId, layout.GetProperty("id").GetString());
        Assert.Equal("survivor", layout.GetProperty("data").GetProperty("layoutId").GetString());

        // The device list and the tracking are intact; the screen that was online when the host died is offline.
        var devices = (await host.GetAsync("/api/devices", admin)).Data.GetProperty("devices").EnumerateArray()
            .ToDictionary(d => d.GetProperty("id").GetString()!);
        Assert.Equal("survivor", devices["screen-1"].GetProperty("currentLayout").GetProperty("layoutId").GetString());
        Assert.Equal(("offline", "network-error"), (devices["screen-1"].GetProperty("status").GetString(), devices["screen-1"].GetProperty("reason").GetString()));
        var tracking = await host.GetAsync($"/api/layout-updates/{messageId}", admin);
        Assert.Equal(["screen-1", "screen-2"], tracking.Data.GetProperty("devices").EnumerateArray().Select(d => d.GetProperty("deviceId").GetString()));

        // seq keeps growing.
        var after = await host.PostAsync("/api/websocket/broadcast", admin, new { type = "notification", data = new { } });
        Assert.True(after.Data.GetProperty("seq").GetInt64() > layout.GetProperty("seq").GetInt64());
        Assert.True(layout.GetProperty("seq").GetInt64() > before.Data.GetProperty("seq").GetInt64());

        // A client's retained message is kept too (committed no later than the layout that followed it); a deleted one stays deleted.
        await using var reader = await TestClient.ConnectAsync(host, host.Token(t, "reader"));
        await reader.SubscribeAsync($"cw/{t}/channels/#");
        var menu = await reader.ReceiveAsync();
        Assert.Equal(($"cw/{t}/channels/menu", "today: soup"), (menu.Topic, TestClient.Text(menu)));
        await host.PostAsync("/api/websocket/broadcast", admin, new { type = "sentinel", channel = "sentinel", data = new { } });
        Assert.Equal($"cw/{t}/channels/sentinel", (await reader.ReceiveAsync()).Topic); // nothing retained on 'gone'

        // The retained status says offline too.
        await using var watcher = await TestClient.ConnectAsync(host, admin);
        await watcher.SubscribeAsync($"cw/{t}/devices/screen-1/status");
        var status = JsonDocument.Parse((await watcher.ReceiveAsync()).Payload).RootElement.GetProperty("data");
        Assert.Equal(("offline", "network-error"), (status.GetProperty("status").GetString(), status.GetProperty("reason").GetString()));
    }
}
