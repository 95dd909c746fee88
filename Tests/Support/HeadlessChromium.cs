using Microsoft.Playwright;

namespace CreatiWall.Tests.Support;

/// <summary>Debian's chromium (test.sh installs it), headless, driven by Playwright: never a downloaded browser.</summary>
public static class HeadlessChromium
{
    public const string Path = "/usr/bin/chromium";

    public static async Task<(IPlaywright Playwright, IBrowser Browser)> LaunchAsync()
    {
        Assert.True(File.Exists(Path), "Debian's chromium is missing: ./test.sh installs it");
        var playwright = await Playwright.CreateAsync();
        var browser = await playwright.Chromium.LaunchAsync(new()
        {
            ExecutablePath = Path,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        });
        return (playwright, browser);
    }
}
