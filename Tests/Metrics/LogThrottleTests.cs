using CreatiWall.Broker.Metrics;
using Microsoft.Extensions.Time.Testing;

namespace CreatiWall.Tests.Metrics;

public sealed class LogThrottleTests
{
    [Fact]
    public void One_line_per_kind_and_interval_passes_and_the_next_one_counts_those_held_back()
    {
        var clock = new FakeTimeProvider();
        var throttle = new LogThrottle(TimeSpan.FromSeconds(10), clock);

        Assert.True(throttle.TryEnter("queue-full", out var held));
        Assert.Equal(0, held);
        for (var i = 0; i < 500; i++)
        {
            Assert.False(throttle.TryEnter("queue-full", out _));
        }

        Assert.True(throttle.TryEnter("too-large", out _)); // another kind has its own allowance

        clock.Advance(TimeSpan.FromSeconds(10));
        Assert.True(throttle.TryEnter("queue-full", out held));
        Assert.Equal(500, held);
    }
}
