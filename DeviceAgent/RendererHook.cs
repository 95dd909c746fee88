using System.ComponentModel;
using System.Diagnostics;

namespace CreatiWall.DeviceAgent;

/// <summary>
/// The renderer's command, run with <c>sh -c</c>. It learns what happened from <c>CW_EVENT</c> (the message type) and
/// <c>CW_FILE</c> (the path of a file holding the message): never the message itself in its environment, which Linux
/// caps at 128 KiB per variable while a layout may be 1 MiB.
/// </summary>
public sealed class RendererHook(string? command)
{
    static readonly TimeSpan Limit = TimeSpan.FromSeconds(30);

    /// <summary>Null when the hook succeeded (or there is none), else why it failed, also when it could not start.</summary>
    public async Task<string?> RunAsync(string eventType, string messageFile)
    {
        if (string.IsNullOrWhiteSpace(command))
        {
            return null;
        }

        var info = new ProcessStartInfo("/bin/sh") { UseShellExecute = false };
        info.ArgumentList.Add("-c");
        info.ArgumentList.Add(command);
        info.Environment["CW_EVENT"] = eventType;
        info.Environment["CW_FILE"] = messageFile;
        Process process;
        try
        {
            process = Process.Start(info) ?? throw new Win32Exception("no process was started");
        }
        catch (Win32Exception e)
        {
            return $"the hook could not be started: {e.Message}";
        }

        using (process)
        {
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

            return process.ExitCode switch
            {
                0 => null,
                // sh's codes for a command it could not run (POSIX "Command Search and Execution").
                126 => "the hook could not be started: it is not executable (sh exited with 126)",
                127 => "the hook could not be started: command not found (sh exited with 127)",
                var code => $"the hook exited with {code}",
            };
        }
    }
}
