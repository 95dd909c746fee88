using CreatiWall.Broker.Mqtt;
using Microsoft.Extensions.Time.Testing;

namespace CreatiWall.Tests.Mqtt;

/// <summary>A packet's clock starts with its first byte and stops when it is whole; a silent peer is woken at the deadline.</summary>
public sealed class PacketDeadlineTests
{
    readonly FakeTimeProvider _clock = new();

    [Fact]
    public void A_packet_trickled_past_the_timeout_is_late_however_often_bytes_come()
    {
        using var deadline = new PacketDeadline(TimeSpan.FromSeconds(30), _clock, () => { });
        for (var second = 0; second < 30; second++)
        {
            Assert.False(deadline.Partial());
            _clock.Advance(TimeSpan.FromSeconds(1));
        }

        Assert.True(deadline.Partial());
    }

    [Fact]
    public void Each_whole_packet_restarts_the_clock()
    {
        using var deadline = new PacketDeadline(TimeSpan.FromSeconds(30), _clock, () => { });
        for (var packet = 0; packet < 10; packet++)
        {
            Assert.False(deadline.Partial());
            _clock.Advance(TimeSpan.FromSeconds(20));
            Assert.False(deadline.Partial());
            deadline.Whole();
        }
    }

    [Fact]
    public void A_reader_waiting_on_a_silent_peer_is_woken_at_the_deadline_and_not_after_a_whole_packet()
    {
        var woken = 0;
        using var deadline = new PacketDeadline(TimeSpan.FromSeconds(30), _clock, () => woken++);
        deadline.Partial();
        _clock.Advance(TimeSpan.FromSeconds(29));
        Assert.Equal(0, woken);
        _clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(1, woken);

        deadline.Whole();
        _clock.Advance(TimeSpan.FromMinutes(5));
        Assert.Equal(1, woken);
    }
}
