using System.Diagnostics;
using CreatiWall.Bench.Lean;

namespace CreatiWall.Bench.Suite;

/// <summary>Counts the screens' copies of one message and notes, as it happens, when the last of them arrived.</summary>
public sealed class Arrivals(int expected)
{
    readonly TaskCompletionSource<double> _last = new(TaskCreationOptions.RunContinuationsAsynchronously);
    long _start;
    int _count;

    public int Count => Volatile.Read(ref _count);

    /// <summary>Milliseconds since <see cref="Start"/>.</summary>
    public double ElapsedMs => LeanClient.MicrosSince(Volatile.Read(ref _start)) / 1000;

    public void Start() => Volatile.Write(ref _start, Stopwatch.GetTimestamp());

    public void Arrived()
    {
        if (Interlocked.Increment(ref _count) == expected)
        {
            _last.TrySetResult(ElapsedMs);
        }
    }

    /// <summary>Milliseconds from <see cref="Start"/> until the last copy arrived, or null if not all came within <paramref name="timeout"/>.</summary>
    public async Task<double?> LastAsync(TimeSpan timeout) =>
        await Task.WhenAny(_last.Task, Task.Delay(timeout)) == _last.Task ? _last.Task.Result : null;
}
