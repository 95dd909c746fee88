using CreatiWall.Broker.Identity;
using CreatiWall.Tests.Support;
using Deque.AxeCore.Commons;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;

namespace CreatiWall.Tests.Dashboard;

/// <summary>
/// The dashboard on a laptop's screen, checked by axe-core (WCAG 2.1 A and AA: labels, contrast, roles, names) in each
/// state an operator goes through, and driven by the keyboard alone.
/// </summary>
[Collection(SharedHost.Name)]
public sealed class AccessibilityTests(BrokerHost host) : IAsyncLifetime
{
    readonly string _state = Directory.CreateTempSubdirectory("cw-a11y-").FullName;
    IPlaywright _playwright = null!;
    IBrowser _browser = null!;

    public async Task InitializeAsync() => (_playwright, _browser) = await HeadlessChromium.LaunchAsync();

    static async Task AssertAccessibleAsync(IPage page, string state)
    {
        var results = await page.RunAxe(new AxeRunOptions
        {
            RunOnly = new RunOnlyOptions { Type = "tag", Values = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] },
        });
        Assert.NotEmpty(results.Passes); // axe ran its rules
        var found = results.Violations.Select(v => $"{v.Id} ({v.Impact}): {v.Help} at {string.Join(", ", v.Nodes.Select(n => n.Target?.ToString()))}");
        Assert.True(results.Violations.Length == 0, $"{state}:\n{string.Join("\n", found)}");
    }

    [Fact]
    public async Task The_fleet_view_passes_axe_on_a_laptop_and_works_with_the_keyboard_alone()
    {
        var t = Tenants.New();
        var admin = host.Token(t, "operator", Role.Admin);
        foreach (var hall in new[] { "hall-1", "hall-2", "hall-3", "hall-4" })
        {
            await host.PutAsync($"/api/devices/{hall}", admin, new { name = $"Hall {hall[^1]}", tags = new[] { "hall" } });
        }

        await using var agent = AgentProcess.Start(_state, "--broker", $"mqtt://127.0.0.1:{host.MqttPort}", "--token", admin, "--device", "hall-1");
        var page = await _browser.NewPageAsync(new() { ViewportSize = new() { Width = 1280, Height = 720 } });
        await page.GotoAsync($"{host.BaseUrl}/#token={admin}");
        await page.WaitForSelectorAsync("[data-device-id=hall-1][data-status=online]", new() { Timeout = 15_000 });
        await page.WaitForSelectorAsync("[data-connected=true]");

        // A laptop: nothing wider than the window, the list has room, the side panels scroll on their own.
        Assert.True(await page.EvaluateAsync<bool>("document.documentElement.scrollWidth <= window.innerWidth"), "the page scrolls sideways");
        Assert.True(await page.Locator(".scroller").EvaluateAsync<double>("e => e.clientHeight") >= 300);
        await AssertAccessibleAsync(page, "the fleet view");

        // Keyboard only: into the list, down a row, open it, close it, back where it was.
        await page.FocusAsync("[data-index='0'] button.open");
        await page.Keyboard.PressAsync("ArrowDown");
        var second = await page.EvaluateAsync<string>("document.activeElement.closest('[data-index]').dataset.index");
        Assert.Equal("1", second);
        await page.Keyboard.PressAsync("End");
        Assert.Equal("3", await page.EvaluateAsync<string>("document.activeElement.closest('[data-index]').dataset.index"));
        var id = await page.EvaluateAsync<string>("document.activeElement.closest('[data-device-id]').dataset.deviceId");
        await page.Keyboard.PressAsync("Enter");
        await page.WaitForSelectorAsync($"#detail[data-detail-id={id}]");
        Assert.Equal("detail-title", await page.EvaluateAsync<string>("document.activeElement.id"));
        await AssertAccessibleAsync(page, "a screen's detail");
        await page.Keyboard.PressAsync("Escape");
        await page.WaitForSelectorAsync("#detail", new() { State = WaitForSelectorState.Detached });
        Assert.Equal(id, await page.EvaluateAsync<string>("document.activeElement.closest('[data-device-id]')?.dataset.deviceId"));

        // Select with Space, push with Enter: the confirmation takes the focus, and is accessible too.
        await page.Keyboard.PressAsync("Shift+Tab");
        await page.Keyboard.PressAsync("Space");
        await page.FocusAsync("#layoutId");
        await page.Keyboard.TypeAsync("welcome");
        await page.Keyboard.PressAsync("Enter");
        await page.WaitForSelectorAsync("[data-reach='1']");
        Assert.Equal("confirm-push", await page.EvaluateAsync<string>("document.activeElement.id"));
        await AssertAccessibleAsync(page, "the push confirmation");
        await page.Keyboard.PressAsync("Enter");
        await page.WaitForSelectorAsync("[role=progressbar][data-total='1']");
        await AssertAccessibleAsync(page, "a delivery's progress");

        // The check itself: a button without a name is found.
        await page.EvaluateAsync("document.querySelector('.side').append(document.createElement('button'))");
        Assert.Contains((await page.RunAxe()).Violations, v => v.Id == "button-name");
    }

    public async Task DisposeAsync()
    {
        await _browser.DisposeAsync();
        _playwright.Dispose();
        Directory.Delete(_state, recursive: true);
    }
}
