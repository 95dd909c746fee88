namespace CreatiWall.Tests.Support;

/// <summary>The real DeviceAgent as a child process, with short backoff so tests wait no longer than needed.</summary>
public sealed class AgentProcess : IAsyncDisposable
{
    AgentProcess(ChildProcess process, string stateDir)
    {
        Process = process;
        StateDir = stateDir;
    }

    public ChildProcess Process { get; }

    public string StateDir { get; }

    public string LayoutFile => Path.Combine(StateDir, "current-layout.json");

    public static AgentProcess Start(string stateDir, params string[] args) =>
        new(ChildProcess.Start("dotnet", [RepoPaths.AgentDll, "--state-dir", stateDir, "--backoff-initial", "100", "--backoff-max", "500", .. args]), stateDir);

    /// <summary>Waits until the agent printed a line containing <paramref name="text"/> (at or after <paramref name="from"/>).</summary>
    public async Task WaitForLogAsync(string text, int from = 0, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(15));
        while (Process.Output.IndexOf(text, from, StringComparison.Ordinal) < 0)
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"the agent never printed '{text}':\n{Process.Output}");
            }

            await Task.Delay(20);
        }
    }

    public int LogLength => Process.Output.Length;

    public ValueTask DisposeAsync() => Process.DisposeAsync();
}
