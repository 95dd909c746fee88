using System.Diagnostics;
using System.Text.Json;
using CreatiWall.Broker.Identity;
using CreatiWall.Broker.Storage;
using CreatiWall.Tests.Support;
using Microsoft.Extensions.Options;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace CreatiWall.Tests.Dashboard;

/// <summary>
/// The fleet view with 10,000 screens (created through the store, as a long-running tenant has them) and three live
/// agents, in a real headless Chromium against a host of its own.
/// </summary>
public sealed class FleetDashboardTests(FleetDashboardTests.FleetHost host, ITestOutputHelper output) : IClassFixture<FleetDashboardTests.FleetHost>, IAsyncLifetime
{
    /// <summary>A host whose one admin token may act as a thousand simulated screens at once (the default allows 64 sessions).</summary>
    public sealed class FleetHost : BrokerHost
    {
        // A dashboard watching a burst of 1,000 screens gets 2,000 statuses at once: its queue must hold them (README).
        protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
        {
            ["Mqtt__MaxSessionsPerPrincipal"] = "5000",
            ["Mqtt__MaxPendingMessagesPerClient"] = "20000",
        };
    }

    const int Fleet = 10_000;
    static readonly string[] Reasons = ["network-error", "keepalive-timeout", "clean", "token-expired"];
    readonly string _state = Directory.CreateTempSubdirectory("cw-fleet-").FullName;
    IPlaywright _playwright = null!;
    IBrowser _browser = null!;

    public async Task InitializeAsync() => (_playwright, _browser) = await HeadlessChromium.LaunchAsync();

    /// <summary>screen-1 … screen-10000, offline for one of four reasons, named, tagged, changed over the last day.</summary>
    async Task SeedAsync(string tenant)
    {
        using var store = new SqliteStore(Options.Create(new StorageOptions { ConnectionString = $"Data Source={host.DatabasePath}" }));
        var now = DateTimeOffset.UtcNow;
        await Task.WhenAll(Enumerable.Range(1, Fleet).Select(i => store.UpdateDeviceAsync(tenant, $"screen-{i}", d => d with
        {
            Status = DeviceRecord.Offline,
            Reason = Reasons[i % Reasons.Length],
            Since = now.AddSeconds(-30 - i * 8),
            Name = $"Shop {i % 250} · {(i % 3 == 0 ? "window" : "counter")}",
            Tags = DeviceTags.Of(i % 10 == 0 ? ["lobby", $"floor-{i % 4}"] : [$"floor-{i % 4}"]),
        }).AsTask()));
    }

    [Fact]
    public async Task Ten_thousand_screens_render_only_visible_rows_and_go_offline_live_and_survive_a_reconnect()
    {
        var t = Tenants.New();
        await SeedAsync(t);
        var admin = host.Token(t, "operator", Role.Admin);
        var agent = AgentProcess.Start(_state, "--broker", $"mqtt://127.0.0.1:{host.MqttPort}", "--token", admin, "--device", "screen", "--simulate", "3");
        await using var watcher = await StatusWatcher.StartAsync(host, t);
        for (var online = new HashSet<string>(); online.Count < 3;)
        {
            var data = JsonDocument.Parse(await watcher.NextRawAsync(TimeSpan.FromSeconds(20))).RootElement.GetProperty("data");
            if (data.GetProperty("status").GetString() == "online")
            {
                online.Add(data.GetProperty("deviceId").GetString()!);
            }
        }

        // A laptop. BypassCSP: Playwright's WaitForFunction compiles its predicate in the page, which the CSP forbids.
        var page = await _browser.NewPageAsync(new() { ViewportSize = new() { Width = 1366, Height = 768 }, BypassCSP = true });
        // Every main-thread task over 50 ms, from the first script on (the browser's long-task observer).
        await page.AddInitScriptAsync("""
            window.longTasks = [];
            new PerformanceObserver(list => list.getEntries().forEach(e => window.longTasks.push(Math.round(e.duration))))
              .observe({ type: 'longtask', buffered: true });
            """);
        await page.GotoAsync($"{host.BaseUrl}/#token={admin}");
        await page.WaitForSelectorAsync("[data-device-id]", new() { Timeout = 30_000 });
        var firstRows = await page.EvaluateAsync<double>("performance.now()");
        await page.WaitForSelectorAsync($"[data-loaded=true][data-total='{Fleet}']", new() { Timeout = 60_000 });
        var allLoaded = await page.EvaluateAsync<double>("performance.now()");
        var loadTasks = await page.EvaluateAsync<int[]>("window.longTasks.splice(0)");
        await page.WaitForSelectorAsync("[data-connected=true]");

        // The counts: all 10,000, three online (the agents), the rest offline by reason.
        Assert.Equal("10,000", await page.InnerTextAsync("[data-count=total]"));
        await page.WaitForFunctionAsync("document.querySelector('[data-count=online]').textContent === '3'");
        Assert.Equal("9,997", await page.InnerTextAsync("[data-count=offline]"));
        Assert.Equal("2,499", await page.InnerTextAsync("[data-reason=keepalive-timeout] .value")); // i % 4 == 1, less screen-1 (online)

        // Virtualised: a few dozen rows, whatever the fleet; the page stays small.
        var rows = await page.Locator("[data-device-id]").CountAsync();
        var nodes = await page.EvaluateAsync<int>("document.getElementsByTagName('*').length");
        Assert.InRange(rows, 5, 40);
        Assert.True(nodes < 1500, $"{nodes} DOM elements");
        await page.Locator(".scroller").EvaluateAsync("e => e.scrollTop = 52 * 5000");
        await page.WaitForSelectorAsync("[data-index='5000']");
        Assert.InRange(await page.Locator("[data-device-id]").CountAsync(), 5, 40);

        // Sorted by last change: the agents, which just came online, first.
        await page.Locator(".scroller").EvaluateAsync("e => e.scrollTop = 0");
        var top = await page.Locator("[data-index='0']").GetAttributeAsync("data-status");
        Assert.Equal("online", top);

        // Find one among 10,000, then watch it go offline: its row changes within a second of the server saying so.
        await page.FillAsync("#search", "screen-2");
        var row = "[data-device-id=screen-2]";
        await page.WaitForSelectorAsync($"{row}[data-status=online]");
        agent.Process.Signal("KILL");
        while (true)
        {
            var data = JsonDocument.Parse(await watcher.NextRawAsync(TimeSpan.FromSeconds(20))).RootElement.GetProperty("data");
            if (data.GetProperty("deviceId").GetString() == "screen-2" && data.GetProperty("status").GetString() == "offline")
            {
                break;
            }
        }

        var seen = Stopwatch.StartNew();
        await page.WaitForSelectorAsync($"{row}[data-status=offline]", new() { Timeout = 5_000 });
        var offlineMs = seen.ElapsedMilliseconds;
        Assert.True(offlineMs < 1000, $"the row changed {offlineMs} ms after the server published the status");
        Assert.Contains("network-error", await page.InnerTextAsync(row));
        await agent.DisposeAsync();

        // Filters: offline with reason network-error finds the screens that were stopped, among the seeded ones.
        await page.FillAsync("#search", "");
        await page.SelectOptionAsync("#filter-reason", "network-error");
        await page.WaitForSelectorAsync("[data-device-id=screen-1]");
        Assert.All(await page.Locator("[data-device-id]").EvaluateAllAsync<string[]>("rows => rows.map(r => r.dataset.status)"), s => Assert.Equal("offline", s));
        await page.SelectOptionAsync("#filter-reason", "");
        await page.SelectOptionAsync("#filter-status", "");

        // A reconnect (the server ends the dashboard's connection) keeps every row on screen, and live updates resume.
        await page.EvaluateAsync("""
            () => {
              window.samples = []; window.sampler = setInterval(() => window.samples.push({
                rows: document.querySelectorAll('[data-device-id]').length,
                total: document.querySelector('[data-count=total]')?.textContent }), 20);
              window.links = [];
              const link = document.querySelector('[data-connected]');
              new MutationObserver(() => window.links.push(link.dataset.connected)).observe(link, { attributes: true, attributeFilter: ['data-connected'] });
            }
            """);
        var connectionId = await page.GetAttributeAsync("[data-connected]", "data-connection-id");
        Assert.False(string.IsNullOrEmpty(connectionId));
        var kicked = await host.PostAsync("/api/websocket/disconnect", admin, new { connectionId });
        Assert.Equal(System.Net.HttpStatusCode.OK, kicked.Status);
        Assert.True(kicked.Data.GetProperty("disconnected").GetBoolean(), kicked.Body.ToString());
        await page.WaitForFunctionAsync("window.links.join() === 'false,true'", null, new() { Timeout = 20_000 });
        var samples = await page.EvaluateAsync<JsonElement>("() => { clearInterval(window.sampler); return window.samples; }");
        Assert.NotEmpty(samples.EnumerateArray());
        Assert.All(samples.EnumerateArray(), s =>
        {
            Assert.True(s.GetProperty("rows").GetInt32() > 0, "the list went blank during the reconnect");
            Assert.Equal("10,000", s.GetProperty("total").GetString());
        });
        await page.FillAsync("#search", "screen-3");
        await using (AgentProcess.Start(_state, "--broker", $"ws://127.0.0.1:{host.HttpPort}/mqtt", "--token", admin, "--device", "screen-3"))
        {
            await page.WaitForSelectorAsync("[data-device-id=screen-3][data-status=online]", new() { Timeout = 15_000 });
        }

        await page.FillAsync("#search", "");
        var liveTasks = await page.EvaluateAsync<int[]>("window.longTasks.splice(0)");

        // A burst: a thousand screens come online, then all drop at once; the counts follow, the main thread stays free.
        var burst = Stopwatch.StartNew();
        var thousand = AgentProcess.Start(Path.Combine(_state, "burst"), "--broker", $"mqtt://127.0.0.1:{host.MqttPort}", "--token", admin,
            "--device", "screen", "--simulate", "1000");
        try
        {
            await page.WaitForFunctionAsync("document.querySelector('[data-count=online]').textContent === '1,000'", null, new() { Timeout = 90_000 });
        }
        catch (TimeoutException)
        {
            var shown = await page.InnerTextAsync("[data-count=online]");
            var rest = await host.GetAsync("/api/devices?status=online&limit=1000", admin);
            throw new Xunit.Sdk.XunitException($"online shown {shown}, REST {rest.Data.GetProperty("devices").GetArrayLength()}; agent: {thousand.Process.Output[^Math.Min(2000, thousand.Process.Output.Length)..]}");
        }

        var onlineMs = burst.ElapsedMilliseconds;
        burst.Restart();
        thousand.Process.Signal("KILL");
        try
        {
            await page.WaitForFunctionAsync("document.querySelector('[data-count=online]').textContent === '0'", null, new() { Timeout = 60_000 });
        }
        catch (TimeoutException)
        {
            var shown = await page.InnerTextAsync("[data-count=online]");
            var rest = await host.GetAsync("/api/devices?status=online&limit=1000", admin);
            throw new Xunit.Sdk.XunitException($"after the kill: online shown {shown}, REST {rest.Data.GetProperty("devices").GetArrayLength()}");
        }
        var offlineAllMs = burst.ElapsedMilliseconds;
        await thousand.DisposeAsync();
        var burstTasks = await page.EvaluateAsync<int[]>("window.longTasks.splice(0)");
        Assert.True(burstTasks.DefaultIfEmpty().Max() < 200, $"main-thread tasks during the burst: {string.Join(", ", burstTasks)} ms");

        var artifacts = Directory.CreateDirectory(Path.Combine(RepoPaths.Root, "TestResults")).FullName;
        await page.ScreenshotAsync(new() { Path = Path.Combine(artifacts, "fleet.png") });
        var figures = $"fleet of {Fleet}: first rows {firstRows:F0} ms after navigation, all loaded {allLoaded:F0} ms; " +
            $"{rows} rows and {nodes} elements in the DOM; offline row {offlineMs} ms after the server's status; " +
            $"long tasks while loading: {Describe(loadTasks)}; afterwards (filters, search, reconnect): {Describe(liveTasks)}; " +
            $"1,000 screens online in {onlineMs} ms after the agent started, all 1,000 offline shown {offlineAllMs} ms after its kill, " +
            $"long tasks meanwhile: {Describe(burstTasks)}";
        output.WriteLine(figures);
        await File.WriteAllTextAsync(Path.Combine(artifacts, "fleet-figures.txt"), figures + "\n");
    }

    static string Describe(int[] tasks) => tasks.Length == 0 ? "none over 50 ms" : $"{tasks.Length} over 50 ms, longest {tasks.Max()} ms";

    public async Task DisposeAsync()
    {
        await _browser.DisposeAsync();
        _playwright.Dispose();
        Directory.Delete(_state, recursive: true);
    }
}
