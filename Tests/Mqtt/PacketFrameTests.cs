using System.Buffers;
using CreatiWall.Broker.Mqtt;

namespace CreatiWall.Tests.Mqtt;

/// <summary>A packet is judged by its fixed header alone, before its body is buffered.</summary>
public sealed class PacketFrameTests
{
    [Theory]
    [InlineData(new byte[] { 0x10 }, "Incomplete", 0)]
    [InlineData(new byte[] { 0x10, 0x05 }, "Read", 5)]
    [InlineData(new byte[] { 0x10, 0x80 }, "Incomplete", 0)]
    [InlineData(new byte[] { 0x30, 0x80, 0x01 }, "Read", 128)]
    [InlineData(new byte[] { 0x30, 0xFF, 0xFF, 0xFF, 0x7F }, "Read", 268_435_455)]
    [InlineData(new byte[] { 0x30, 0xFF, 0xFF, 0xFF, 0xFF }, "Malformed", 0)]
    [InlineData(new byte[] { 0x30, 0xFF, 0xFF, 0xFF, 0xFF, 0x01 }, "Malformed", 0)]
    public void The_remaining_length_is_read_from_at_most_four_bytes(byte[] bytes, string status, int bodyLength)
    {
        var read = PacketFrame.TryRead(new ReadOnlySequence<byte>(bytes), out var frame);

        Assert.Equal(status, read.ToString());
        Assert.Equal(bodyLength, frame.BodyLength);
    }

    [Fact]
    public void A_header_split_over_segments_is_read()
    {
        var first = new Segment(new byte[] { 0x30, 0x80 });
        var last = first.Append(new byte[] { 0x80, 0x01 });

        Assert.Equal(PacketFrame.Status.Read, PacketFrame.TryRead(new ReadOnlySequence<byte>(first, 0, last, 2), out var frame));
        Assert.Equal((4, 16_384), (frame.HeaderLength, frame.BodyLength));
    }

    [Theory]
    [InlineData(0x10, 100, true, 1_000_000, null)]
    [InlineData(0x10, PacketFrame.MaxConnectBytes - 3, true, 1_000_000, null)]
    [InlineData(0x10, PacketFrame.MaxConnectBytes - 2, true, 1_000_000, "connect-too-large")]
    [InlineData(0x10, 1000 - 2, true, 1000, "packet-too-large")]
    [InlineData(0x30, 10, true, 1_000_000, "not-connect-first")]
    [InlineData(0x82, 10, true, 1_000_000, "not-connect-first")]
    [InlineData(0x30, 1000 - 3, false, 1000, null)]
    [InlineData(0x30, 1000 - 2, false, 1000, "packet-too-large")]
    [InlineData(0x10, 1000 - 2, false, 1000, "packet-too-large")]
    public void Refusals(byte fixedHeader, int bodyLength, bool first, int maxPacketBytes, string? code)
    {
        var frame = new PacketFrame(fixedHeader, bodyLength < 128 ? 2 : 3, bodyLength);

        Assert.Equal(code, frame.Refusal(first, maxPacketBytes)?.Code);
    }

    sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory) => Memory = memory;

        public Segment Append(ReadOnlyMemory<byte> memory)
        {
            var next = new Segment(memory) { RunningIndex = RunningIndex + Memory.Length };
            Next = next;
            return next;
        }
    }
}
