using CreatiWall.Broker.Metrics;
using CreatiWall.Broker.Presence;

namespace CreatiWall.Broker.Operations;

/// <summary>A tenant's figures at one moment: devices online, and messages in and out since the broker started.</summary>
public sealed record ActivityTotals(int Online, long MessagesIn, long MessagesOut);

/// <summary>One minute (or the minute under way): when it ended, devices online then, messages per second in and out.</summary>
public sealed record ActivityPoint(DateTimeOffset At, int Online, double MessagesInPerSecond, double MessagesOutPerSecond);

/// <summary>The last hour, oldest minute first, and the minute under way.</summary>
public sealed record ActivityView(int IntervalSeconds, IReadOnlyList<ActivityPoint> Points, ActivityPoint Current);

/// <summary>
/// Each tenant's last hour, one point a minute, in memory: what the dashboard's charts draw. Sampling reads counters
/// that are already kept (presence, per-tenant PUBLISH counts), so it costs nothing per message.
/// </summary>
internal sealed class ActivitySeries : IDisposable
{
    public static readonly TimeSpan Interval = TimeSpan.FromMinutes(1);
    public const int Kept = 60;

    readonly Func<IReadOnlyDictionary<string, ActivityTotals>> _read;
    readonly TimeProvider _time;
    readonly ITimer _timer;
    readonly Lock _lock = new();
    readonly Dictionary<string, Queue<ActivityPoint>> _series = new(StringComparer.Ordinal);
    readonly Queue<ActivityPoint> _all = new();
    IReadOnlyDictionary<string, ActivityTotals> _last;
    DateTimeOffset _lastAt;

    public ActivitySeries(TrafficCounters traffic, PresenceTracker presence, TimeProvider time)
        : this(() => Totals(traffic, presence), time)
    {
    }

    internal ActivitySeries(Func<IReadOnlyDictionary<string, ActivityTotals>> read, TimeProvider time)
    {
        (_read, _time) = (read, time);
        (_last, _lastAt) = (read(), time.GetUtcNow());
        _timer = time.CreateTimer(_ => Sample(), null, Interval, Interval);
    }

    static Dictionary<string, ActivityTotals> Totals(TrafficCounters traffic, PresenceTracker presence)
    {
        var totals = traffic.Tenants.ToDictionary(
            t => t.Key, t => new ActivityTotals(0, t.Value.MessagesReceived, t.Value.MessagesSent), StringComparer.Ordinal);
        foreach (var tenant in presence.OnlineByTenant())
        {
            totals[tenant.Key] = (totals.GetValueOrDefault(tenant.Key) ?? new ActivityTotals(0, 0, 0)) with { Online = tenant.Count() };
        }

        return totals;
    }

    /// <summary>Closes the minute: one point per tenant seen, from the change of its totals since the last one.</summary>
    internal void Sample()
    {
        var now = _time.GetUtcNow();
        var totals = _read();
        lock (_lock)
        {
            foreach (var (tenant, total) in totals)
            {
                if (!_series.TryGetValue(tenant, out var points))
                {
                    _series[tenant] = points = new Queue<ActivityPoint>();
                }

                Add(points, Point(now, total, _last.GetValueOrDefault(tenant), _lastAt));
            }

            Add(_all, Point(now, Sum(totals.Values), Sum(_last.Values), _lastAt));
            (_last, _lastAt) = (totals, now);
        }
    }

    public ActivityView View(string? tenant)
    {
        var now = _time.GetUtcNow();
        var totals = _read();
        lock (_lock)
        {
            var (points, current, before) = tenant is null
                ? (_all, Sum(totals.Values), Sum(_last.Values))
                : (_series.GetValueOrDefault(tenant), totals.GetValueOrDefault(tenant) ?? new ActivityTotals(0, 0, 0), _last.GetValueOrDefault(tenant));
            return new ActivityView((int)Interval.TotalSeconds, points?.ToList() ?? [], Point(now, current, before, _lastAt));
        }
    }

    static ActivityPoint Point(DateTimeOffset now, ActivityTotals total, ActivityTotals? before, DateTimeOffset since)
    {
        var seconds = Math.Max(1, (now - since).TotalSeconds);
        before ??= new ActivityTotals(0, 0, 0);
        return new ActivityPoint(now, total.Online,
            Math.Round((total.MessagesIn - before.MessagesIn) / seconds, 2), Math.Round((total.MessagesOut - before.MessagesOut) / seconds, 2));
    }

    static ActivityTotals Sum(IEnumerable<ActivityTotals> totals) =>
        totals.Aggregate(new ActivityTotals(0, 0, 0), (a, b) => new ActivityTotals(a.Online + b.Online, a.MessagesIn + b.MessagesIn, a.MessagesOut + b.MessagesOut));

    static void Add(Queue<ActivityPoint> points, ActivityPoint point)
    {
        points.Enqueue(point);
        while (points.Count > Kept)
        {
            points.Dequeue();
        }
    }

    public void Dispose() => _timer.Dispose();
}
