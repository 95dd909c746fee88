using System.Text.Json;

namespace CreatiWall.Tests.Support;

/// <summary>A user of a tenant watching <c>cw/t/devices/+/status</c>, reading presence envelopes in order.</summary>
public sealed class StatusWatcher : IAsyncDisposable
{
    readonly TestClient _client;

    StatusWatcher(TestClient client) => _client = client;

    public static async Task<StatusWatcher> StartAsync(BrokerHost host, string tenant)
    {
        var client = await TestClient.ConnectAsync(host, host.Token(tenant, "watcher"));
        await client.SubscribeAsync($"cw/{tenant}/devices/+/status");
        return new StatusWatcher(client);
    }

    /// <summary>The next message's payload as text (a will is whatever the device set).</summary>
    public async Task<string> NextRawAsync(TimeSpan? timeout = null) => TestClient.Text(await _client.ReceiveAsync(timeout));

    /// <summary>The next message, which must be a device_status envelope with <paramref name="status"/>; returns its data.</summary>
    public async Task<JsonElement> NextAsync(string status, TimeSpan? timeout = null)
    {
        var text = await NextRawAsync(timeout);
        var envelope = JsonDocument.Parse(text).RootElement;
        Assert.Equal("device_status", envelope.GetProperty("type").GetString());
        var data = envelope.GetProperty("data");
        Assert.True(status == data.GetProperty("status").GetString(), $"expected {status}, got {text}");
        return data.Clone();
    }

    public ValueTask DisposeAsync() => _client.DisposeAsync();
}
