using System.Diagnostics;

namespace CreatiWall.DeviceAgent;

/// <summary>The renderer's command, run with <c>sh -c</c>; it learns what happened from environment variables.</summary>
public sealed class RendererHook(string? command)
{
    static readonly TimeSpan Limit = TimeSpan.FromSeconds(30);

    /// <summary>Null when the hook succeeded (or there is none), else why it failed.</summary>
    public async Task<string?> RunAsync(string eventType, string layoutFile, string message)
    {
        if (string.IsNullOrWhiteSpace(command))
        {
            return null;
        }

        var info = new ProcessStartInfo("/bin/sh") { UseShellExecute = false };
        info.ArgumentList.Add("-c");
        info.ArgumentList.Add(command);
        info.Environment["CW_EVENT"] = eventType;
        info.Environment["CW_FILE"] = layoutFile;
        info.Environment["CW_MESSAGE"] = message;
        using var process = Process.Start(info)!;
        using var timeout = new CancellationTokenSource(Limit);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            return $"the hook did not finish within {Limit.TotalSeconds} s";
        }

        return process.ExitCode == 0 ? null : $"the hook exited with {process.ExitCode}";
    }
}
