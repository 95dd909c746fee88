using CreatiWall.Broker.Identity;
using CreatiWall.Tests.Support;
using Microsoft.Playwright;

namespace CreatiWall.Tests.Dashboard;

/// <summary>The live operations dashboard in a real headless Chromium (Debian's), against the real host and agent.</summary>
[Collection(SharedHost.Name)]
public sealed class DashboardTests(BrokerHost host) : IAsyncLifetime
{
    readonly string _state = Directory.CreateTempSubdirectory("cw-dash-").FullName;
    IPlaywright _playwright = null!;
    IBrowser _browser = null!;

    public async Task InitializeAsync() => (_playwright, _browser) = await HeadlessChromium.LaunchAsync();

    [Fact]
    public async Task An_operator_watches_a_screen_go_online_and_offline_live_and_pushes_a_layout_it_acknowledges()
    {
        var t = Tenants.New();
        var page = await _browser.NewPageAsync(new() { ViewportSize = new() { Width = 1280, Height = 900 } });
        await page.GotoAsync($"{host.BaseUrl}/#token={host.Token(t, "operator", Role.Admin)}");
        await page.WaitForSelectorAsync("[data-connected=true]");
        var screen = "[data-device-id=screen-1]";

        var deviceToken = host.Token(t, "screen-1", Role.Device);
        var agent = AgentProcess.Start(_state, "--broker", $"mqtt://127.0.0.1:{host.MqttPort}", "--token", deviceToken);
        await page.WaitForSelectorAsync($"{screen}[data-status=online]", new() { Timeout = 15_000 });

        agent.Process.Signal("KILL");
        await page.WaitForSelectorAsync($"{screen}[data-status=offline]", new() { Timeout = 15_000 });
        Assert.Contains("network-error", await page.InnerTextAsync(screen));
        await agent.DisposeAsync();

        await using var back = AgentProcess.Start(_state, "--broker", $"ws://127.0.0.1:{host.HttpPort}/mqtt", "--token", deviceToken);
        await page.WaitForSelectorAsync($"{screen}[data-status=online]", new() { Timeout = 15_000 });

        // Its detail: the presence timeline it went through, newest first, with the reason.
        await page.ClickAsync($"{screen} button.open");
        var timeline = await page.Locator("#detail [data-presence]").EvaluateAllAsync<string[]>("items => items.map(i => i.textContent)");
        Assert.True(timeline.Length >= 3, string.Join(" | ", timeline));
        Assert.StartsWith("online", timeline[0]);
        Assert.Contains("network-error", timeline[1]);

        await page.FillAsync("#layoutId", "grand-opening");
        await page.CheckAsync("input[name=device][value=screen-1]");
        await page.ClickAsync("#push");
        Assert.Equal("1", await page.GetAttributeAsync("[data-reach]", "data-reach")); // the confirmation says how many
        await page.ClickAsync("#confirm-push");
        await page.WaitForSelectorAsync($"{screen} .ack[data-ack=applied]", new() { Timeout = 15_000 });
        Assert.Contains("grand-opening", await page.InnerTextAsync($"{screen} .layout"));
        await page.WaitForSelectorAsync("#detail [data-layout-event=applied]");
        Assert.Contains("grand-opening", await page.InnerTextAsync("#detail [data-layout-event=applied]"));
        await page.FocusAsync("#detail-title");
        await page.Keyboard.PressAsync("Escape");
        await page.WaitForSelectorAsync("#detail", new() { State = WaitForSelectorState.Detached });
        Assert.Equal("screen-1", await page.EvaluateAsync<string>("document.activeElement.closest('[data-device-id]')?.dataset.deviceId"));
        Assert.Contains("grand-opening", await File.ReadAllTextAsync(back.LayoutFile));

        var artifacts = Directory.CreateDirectory(Path.Combine(RepoPaths.Root, "TestResults")).FullName;
        await page.ScreenshotAsync(new() { Path = Path.Combine(artifacts, "dashboard.png"), FullPage = true });
    }

    [Fact]
    public async Task A_layout_pushed_to_a_tag_shows_its_delivery_reach_100_percent_and_a_failed_screen_with_its_error()
    {
        var t = Tenants.New();
        var admin = host.Token(t, "operator", Role.Admin);
        foreach (var id in new[] { "lobby-1", "lobby-2", "lobby-3" })
        {
            Assert.Equal(System.Net.HttpStatusCode.OK, (await host.PutAsync($"/api/devices/{id}", admin, new { tags = new[] { "lobby" } })).Status);
        }

        var broker = $"mqtt://127.0.0.1:{host.MqttPort}";
        await using var lobby = AgentProcess.Start(Path.Combine(_state, "lobby"), "--broker", broker, "--token", admin, "--device", "lobby", "--simulate", "3");
        await using var broken = AgentProcess.Start(Path.Combine(_state, "broken"), "--broker", broker, "--token", admin, "--device", "broken-1",
            "--hook", "echo 'no such player' >&2; exit 3");
        // Playwright's WaitForFunction compiles its predicate in the page, which the dashboard's CSP (no eval) forbids;
        // the other dashboard tests run under the CSP.
        var page = await _browser.NewPageAsync(new() { ViewportSize = new() { Width = 1366, Height = 768 }, BypassCSP = true });
        await page.GotoAsync($"{host.BaseUrl}/#token={admin}");
        await page.WaitForFunctionAsync("document.querySelector('[data-count=online]')?.textContent === '4'", null, new() { Timeout = 20_000 });

        // The charts: screens online and messages/s, described for screen readers.
        var charts = page.Locator("canvas[role=img]");
        Assert.Equal(2, await charts.CountAsync());
        await page.WaitForFunctionAsync("document.querySelector('canvas[role=img]').getAttribute('aria-label').includes('now 4')");

        // To a tag: the confirmation counts the screens that have it, then the bar follows them to 100% applied.
        await page.FillAsync("#layoutId", "lobby-welcome");
        await page.CheckAsync("input[name=target][value=tag]");
        await page.SelectOptionAsync("#push-tag", "lobby");
        await page.ClickAsync("#push");
        Assert.Equal("3", await (await page.WaitForSelectorAsync("[data-reach]"))!.GetAttributeAsync("data-reach"));
        await page.ClickAsync("#confirm-push");
        await page.WaitForSelectorAsync("[role=progressbar][data-percent='100'][data-total='3']", new() { Timeout = 15_000 });

        // To everyone: the screen whose player fails is counted and listed with its error.
        await page.FillAsync("#layoutId", "evening");
        await page.CheckAsync("input[name=target][value=all]");
        await page.ClickAsync("#push");
        Assert.Equal("4", await (await page.WaitForSelectorAsync("[data-reach]"))!.GetAttributeAsync("data-reach"));
        await page.ClickAsync("#confirm-push");
        await page.WaitForSelectorAsync("[role=progressbar][data-applied='3'][data-failed='1'][data-total='4']", new() { Timeout = 15_000 });
        Assert.Contains("broken-1", await page.InnerTextAsync("[data-failed-device=broken-1]"));
        var artifacts = Directory.CreateDirectory(Path.Combine(RepoPaths.Root, "TestResults")).FullName;
        await page.ScreenshotAsync(new() { Path = Path.Combine(artifacts, "delivery.png") });
    }

    [Fact]
    public async Task The_sign_in_form_takes_a_token_and_a_refused_one_is_said_clearly()
    {
        var page = await _browser.NewPageAsync();
        await page.GotoAsync(host.BaseUrl + "/");
        await page.FillAsync("#token", "not-a-token");
        await page.ClickAsync("button[type=submit]");

        var alert = await page.WaitForSelectorAsync("[role=alert]");
        Assert.Contains("refused", await alert!.InnerTextAsync());

        await page.ClickAsync("text=Sign out");
        await page.FillAsync("#token", host.Token(Tenants.New(), "operator", Role.Admin));
        await page.ClickAsync("button[type=submit]");
        await page.WaitForSelectorAsync("[data-connected=true]");
    }

    public async Task DisposeAsync()
    {
        await _browser.DisposeAsync();
        _playwright.Dispose();
        Directory.Delete(_state, recursive: true);
    }
}
