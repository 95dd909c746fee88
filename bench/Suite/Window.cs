namespace CreatiWall.Bench.Suite;

/// <summary>Bounds what is outstanding (unacknowledged or not yet received) and wakes the sender when it drains.</summary>
public sealed class Window(long size)
{
    readonly SemaphoreSlim _signal = new(0);
    long _outstanding;
    int _waiting;

    public long Size => size;
    public long Outstanding => Volatile.Read(ref _outstanding);
    public long Room => Math.Max(0, size - Outstanding);

    public void Add(long n) => Interlocked.Add(ref _outstanding, n);

    public void Done(long n = 1)
    {
        var left = Interlocked.Add(ref _outstanding, -n);
        if (left <= size / 2 && Interlocked.Exchange(ref _waiting, 0) == 1)
        {
            _signal.Release();
        }
    }

    /// <summary>Waits until fewer than <paramref name="limit"/> (default: the size) are outstanding.</summary>
    public async Task WaitForRoomAsync(long? limit = null)
    {
        var bound = limit ?? size;
        while (Outstanding >= bound)
        {
            Interlocked.Exchange(ref _waiting, 1);
            if (Outstanding < bound)
            {
                break;
            }

            await _signal.WaitAsync(100);
        }
    }

    /// <summary>Waits until nothing is outstanding, or nothing changed for <paramref name="quiet"/>.</summary>
    public async Task<bool> DrainAsync(TimeSpan quiet)
    {
        var last = Outstanding;
        var since = DateTime.UtcNow;
        while (Outstanding > 0)
        {
            await Task.Delay(5);
            var now = Outstanding;
            if (now != last)
            {
                last = now;
                since = DateTime.UtcNow;
            }
            else if (DateTime.UtcNow - since > quiet)
            {
                return false;
            }
        }

        return true;
    }
}
