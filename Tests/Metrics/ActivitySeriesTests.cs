using CreatiWall.Broker.Operations;
using Microsoft.Extensions.Time.Testing;

namespace CreatiWall.Tests.Metrics;

/// <summary>The dashboard's one-minute series, on a fake clock: a point a minute from the change of each tenant's totals.</summary>
public sealed class ActivitySeriesTests
{
    readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 2, 12, 0, 0, TimeSpan.Zero));
    Dictionary<string, ActivityTotals> _totals = new() { ["t1"] = new(2, 100, 1000) };

    [Fact]
    public void Each_minute_adds_a_point_per_tenant_with_its_rates_and_the_minute_under_way_is_current()
    {
        using var series = new ActivitySeries(() => _totals, _time);
        _totals = new() { ["t1"] = new(5, 100 + 600, 1000 + 1200), ["t2"] = new(1, 60, 0) };
        _time.Advance(TimeSpan.FromSeconds(30));
        var half = series.View("t1");
        Assert.Empty(half.Points);
        Assert.Equal(new ActivityPoint(_time.GetUtcNow(), 5, 20, 40), half.Current);

        _time.Advance(TimeSpan.FromSeconds(30)); // the timer closes the minute
        var t1 = series.View("t1");
        Assert.Equal([new ActivityPoint(_time.GetUtcNow(), 5, 10, 20)], t1.Points);
        Assert.Equal(60, t1.IntervalSeconds);
        Assert.Equal(new ActivityPoint(_time.GetUtcNow(), 1, 1, 0), series.View("t2").Points.Single());
        Assert.Equal(new ActivityPoint(_time.GetUtcNow(), 6, 11, 20), series.View(null).Points.Single());
        Assert.Empty(series.View("t3").Points);
        Assert.Equal(0, series.View("t3").Current.Online);
    }

    [Fact]
    public void It_keeps_the_last_hour()
    {
        using var series = new ActivitySeries(() => _totals, _time);
        for (var minute = 1; minute <= 90; minute++)
        {
            _totals = new() { ["t1"] = new(minute, 0, 0) };
            _time.Advance(TimeSpan.FromMinutes(1));
        }

        var points = series.View("t1").Points;
        Assert.Equal(60, points.Count);
        Assert.Equal(31, points[0].Online);
        Assert.Equal(90, points[^1].Online);
        Assert.True(points.Zip(points.Skip(1)).All(p => p.First.At < p.Second.At), "oldest first");
    }
}
