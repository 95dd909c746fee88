using CreatiWall.Broker.Identity;
using CreatiWall.Tests.Support;
using Microsoft.Playwright;

namespace CreatiWall.Tests.Dashboard;

/// <summary>The live operations dashboard in a real headless Chromium (Debian's), against the real host and agent.</summary>
[Collection(SharedHost.Name)]
public sealed class DashboardTests(BrokerHost host) : IAsyncLifetime
{
    const string Chromium = "/usr/bin/chromium";
    readonly string _state = Directory.CreateTempSubdirectory("cw-dash-").FullName;
    IPlaywright _playwright = null!;
    IBrowser _browser = null!;

    public async Task InitializeAsync()
    {
        Assert.True(File.Exists(Chromium), "Debian's chromium is missing: ./test.sh installs it");
        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new()
        {
            ExecutablePath = Chromium,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        });
    }

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

        await page.FillAsync("#layoutId", "grand-opening");
        await page.CheckAsync("input[name=device][value=screen-1]");
        await page.ClickAsync("#push");
        Assert.Equal("1", await page.GetAttributeAsync("[data-reach]", "data-reach")); // the confirmation says how many
        await page.ClickAsync("#confirm-push");
        await page.WaitForSelectorAsync($"{screen} .ack[data-ack=applied]", new() { Timeout = 15_000 });
        Assert.Contains("grand-opening", await page.InnerTextAsync($"{screen} .layout"));
        Assert.Contains("grand-opening", await File.ReadAllTextAsync(back.LayoutFile));

        var artifacts = Directory.CreateDirectory(Path.Combine(RepoPaths.Root, "TestResults")).FullName;
        await page.ScreenshotAsync(new() { Path = Path.Combine(artifacts, "dashboard.png"), FullPage = true });
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
