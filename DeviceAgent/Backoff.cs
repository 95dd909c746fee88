namespace CreatiWall.DeviceAgent;

/// <summary>Capped exponential backoff with full jitter: attempt n waits a random time in [0, min(max, initial × 2ⁿ)).</summary>
public sealed class Backoff(TimeSpan initial, TimeSpan max)
{
    public TimeSpan Delay(int attempt)
    {
        var ceiling = Math.Min(max.TotalMilliseconds, initial.TotalMilliseconds * Math.Pow(2, Math.Min(attempt, 30)));
        return TimeSpan.FromMilliseconds(Random.Shared.NextDouble() * ceiling);
    }
}
