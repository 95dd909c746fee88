namespace CreatiWall.Fuzzing;

/// <summary>Whether the host process is alive, and its resident memory (Linux: /proc/PID/status), sampled twice a second.</summary>
internal sealed class HostWatch : IAsyncDisposable
{
    readonly int _pid;
    readonly CancellationTokenSource _stop = new();
    readonly Task _sampling;

    public HostWatch(int pid)
    {
        _pid = pid;
        BaselineMb = LastMb = MaxMb = ResidentMb() ?? 0;
        _sampling = SampleAsync();
    }

    public double BaselineMb { get; }
    public double MaxMb { get; private set; }
    public double LastMb { get; private set; }

    /// <summary>False once the process has gone.</summary>
    public bool Alive { get; private set; } = true;

    async Task SampleAsync()
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(500));
        try
        {
            while (await timer.WaitForNextTickAsync(_stop.Token))
            {
                Sample();
            }
        }
        catch (OperationCanceledException)
        {
            // stopped
        }
    }

    public void Sample()
    {
        if (ResidentMb() is not { } mb)
        {
            Alive = false;
            return;
        }

        LastMb = mb;
        MaxMb = Math.Max(MaxMb, mb);
    }

    /// <summary>VmRSS in MB, or null when the process is gone (or a zombie, whose status has no VmRSS).</summary>
    double? ResidentMb()
    {
        try
        {
            foreach (var line in File.ReadLines($"/proc/{_pid}/status"))
            {
                if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                {
                    return double.Parse(line["VmRSS:".Length..].Trim().Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture) / 1024;
                }
            }

            return null;
        }
        catch (IOException)
        {
            return null;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _sampling;
        _stop.Dispose();
    }
}
