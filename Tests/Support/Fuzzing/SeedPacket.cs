using System.Buffers.Binary;
using System.Text;

namespace CreatiWall.Fuzzing;

/// <summary>A length inside a packet's body: a two-byte string or binary length, or a variable byte integer (property length, subscription id).</summary>
internal readonly record struct LengthField(int Offset, int Width, bool VarInt);

/// <summary>An MQTT 5 property block: where its length is, and each property's bytes (identifier included).</summary>
internal sealed record PropertyBlock(int LengthOffset, int LengthWidth, IReadOnlyList<(int Offset, int Length)> Items);

/// <summary>
/// A valid packet of the corpus, with the map the mutator needs: where its length fields and property blocks are. The
/// remaining length is not part of <see cref="Body"/>; <see cref="Encode"/> adds it.
/// </summary>
internal sealed record SeedPacket(string Name, byte Header, byte[] Body, IReadOnlyList<LengthField> Lengths, IReadOnlyList<PropertyBlock> Properties)
{
    public byte[] Encode() => Frame(Header, Body);

    /// <summary>Fixed header, remaining length (as a variable byte integer of the body's length), body.</summary>
    public static byte[] Frame(byte header, ReadOnlySpan<byte> body) => Frame(header, VarInt(body.Length), body);

    public static byte[] Frame(byte header, ReadOnlySpan<byte> remainingLength, ReadOnlySpan<byte> body)
    {
        var packet = new byte[1 + remainingLength.Length + body.Length];
        packet[0] = header;
        remainingLength.CopyTo(packet.AsSpan(1));
        body.CopyTo(packet.AsSpan(1 + remainingLength.Length));
        return packet;
    }

    /// <summary>MQTT's variable byte integer; values past 268,435,455 take a fifth byte (malformed, on purpose).</summary>
    public static byte[] VarInt(long value)
    {
        var bytes = new List<byte>(5);
        do
        {
            var digit = (byte)(value % 128);
            value /= 128;
            bytes.Add(value > 0 ? (byte)(digit | 0x80) : digit);
        }
        while (value > 0);

        return [.. bytes];
    }
}

/// <summary>Writes a packet's body and remembers where its lengths and properties are.</summary>
internal sealed class PacketWriter
{
    readonly List<byte> _body = [];
    readonly List<LengthField> _lengths = [];
    readonly List<PropertyBlock> _blocks = [];

    public PacketWriter Byte(byte value)
    {
        _body.Add(value);
        return this;
    }

    public PacketWriter U16(int value)
    {
        _body.Add((byte)(value >> 8));
        _body.Add((byte)value);
        return this;
    }

    public PacketWriter U32(uint value)
    {
        Span<byte> bytes = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(bytes, value);
        _body.AddRange(bytes);
        return this;
    }

    public PacketWriter Str(string value) => Bin(Encoding.UTF8.GetBytes(value));

    public PacketWriter Bin(byte[] value)
    {
        _lengths.Add(new LengthField(_body.Count, 2, VarInt: false));
        U16(value.Length);
        _body.AddRange(value);
        return this;
    }

    public PacketWriter Raw(ReadOnlySpan<byte> bytes)
    {
        _body.AddRange(bytes);
        return this;
    }

    /// <summary>An MQTT 5 property block; <paramref name="write"/> adds the properties (see <see cref="PropertyWriter"/>).</summary>
    public PacketWriter Properties(Action<PropertyWriter> write)
    {
        var properties = new PropertyWriter();
        write(properties);
        var content = properties.Writer;
        var length = SeedPacket.VarInt(content._body.Count);
        var lengthOffset = _body.Count;
        _lengths.Add(new LengthField(lengthOffset, length.Length, VarInt: true));
        _body.AddRange(length);
        var start = _body.Count;
        _lengths.AddRange(content._lengths.Select(l => l with { Offset = l.Offset + start }));
        _blocks.Add(new PropertyBlock(lengthOffset, length.Length, [.. properties.Items.Select(i => (i.Offset + start, i.Length))]));
        _body.AddRange(content._body);
        return this;
    }

    public SeedPacket Build(string name, byte header) => new(name, header, [.. _body], [.. _lengths], [.. _blocks]);

    /// <summary>Properties by identifier (MQTT 5, 2.2.2.2), each remembered as one item.</summary>
    public sealed class PropertyWriter
    {
        internal PacketWriter Writer { get; } = new();
        internal List<(int Offset, int Length)> Items { get; } = [];

        PropertyWriter Item(byte id, Action<PacketWriter> value)
        {
            var start = Writer._body.Count;
            Writer.Byte(id);
            value(Writer);
            Items.Add((start, Writer._body.Count - start));
            return this;
        }

        public PropertyWriter Byte(byte id, byte value) => Item(id, w => w.Byte(value));

        public PropertyWriter U16(byte id, int value) => Item(id, w => w.U16(value));

        public PropertyWriter U32(byte id, uint value) => Item(id, w => w.U32(value));

        public PropertyWriter Str(byte id, string value) => Item(id, w => w.Str(value));

        public PropertyWriter Bin(byte id, byte[] value) => Item(id, w => w.Bin(value));

        public PropertyWriter Pair(byte id, string name, string value) => Item(id, w => w.Str(name).Str(value));

        public PropertyWriter VarInt(byte id, int value) => Item(id, w =>
        {
            var bytes = SeedPacket.VarInt(value);
            w._lengths.Add(new LengthField(w._body.Count, bytes.Length, VarInt: true));
            w.Raw(bytes);
        });
    }
}
