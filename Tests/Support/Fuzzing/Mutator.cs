namespace CreatiWall.Fuzzing;

/// <summary>
/// Mutations of seed packets: bit flips, lengths that lie (remaining length, string lengths, property lengths), properties
/// inserted or duplicated, packets spliced together, truncation, odd bytes and headers. Deterministic for a given random source.
/// </summary>
internal sealed class Mutator(Random random)
{
    /// <summary>The kinds of mutation, counted by the fuzzer's report.</summary>
    public static readonly string[] Kinds =
        ["bit-flip", "length-field", "remaining-length", "property-insert", "property-duplicate", "splice", "truncate", "byte", "insert-delete", "header"];

    /// <summary>MQTT 5 property identifiers with the width of their value (-1 string, -2 pair, -3 binary, -4 variable integer).</summary>
    static readonly (byte Id, int Width)[] PropertyKinds =
    [
        (0x01, 1), (0x02, 4), (0x03, -1), (0x08, -1), (0x09, -3), (0x0B, -4), (0x11, 4), (0x12, -1), (0x13, 2), (0x15, -1), (0x16, -3),
        (0x17, 1), (0x18, 4), (0x19, 1), (0x1A, -1), (0x1C, -1), (0x1F, -1), (0x21, 2), (0x22, 2), (0x23, 2), (0x24, 1), (0x25, 1),
        (0x26, -2), (0x27, 4), (0x28, 1), (0x29, 1), (0x2A, 1), (0x00, 1), (0x7F, 2), (0xFF, 4),
    ];

    /// <summary>One mutation of <paramref name="seed"/> (sometimes two); <paramref name="kind"/> names the first.</summary>
    public byte[] Mutate(SeedPacket seed, IReadOnlyList<SeedPacket> corpus, out string kind)
    {
        var choice = random.Next(Kinds.Length);
        kind = Kinds[choice];
        var bytes = choice switch
        {
            0 => FlipBits(seed.Encode()),
            1 => LengthField(seed),
            2 => LyingRemainingLength(seed),
            3 => InsertProperty(seed),
            4 => DuplicateProperty(seed),
            5 => Splice(seed, corpus[random.Next(corpus.Count)]),
            6 => Truncate(seed.Encode()),
            7 => OddByte(seed.Encode()),
            8 => InsertOrDelete(seed),
            _ => Header(seed),
        };
        return random.Next(5) == 0 ? FlipBits(bytes) : bytes;
    }

    byte[] FlipBits(byte[] packet)
    {
        for (var n = random.Next(1, 9); n > 0 && packet.Length > 0; n--)
        {
            packet[random.Next(packet.Length)] ^= (byte)(1 << random.Next(8));
        }

        return packet;
    }

    byte[] LengthField(SeedPacket seed)
    {
        if (seed.Lengths.Count == 0)
        {
            return LyingRemainingLength(seed);
        }

        var field = seed.Lengths[random.Next(seed.Lengths.Count)];
        var current = field.VarInt ? ReadVarInt(seed.Body, field.Offset) : (seed.Body[field.Offset] << 8) | seed.Body[field.Offset + 1];
        var value = Interesting(current, field.VarInt ? 268_435_455 : 0xFFFF);
        var encoded = field.VarInt ? VarIntOf(value) : [(byte)(value >> 8), (byte)value];
        var body = Replace(seed.Body, field.Offset, field.Width, encoded);
        return random.Next(4) == 0 ? SeedPacket.Frame(seed.Header, VarIntOf(Interesting(body.Length, 268_435_455)), body) : SeedPacket.Frame(seed.Header, body);
    }

    byte[] LyingRemainingLength(SeedPacket seed) =>
        SeedPacket.Frame(seed.Header, VarIntOf(Interesting(seed.Body.Length, 268_435_455)), seed.Body);

    byte[] InsertProperty(SeedPacket seed)
    {
        if (seed.Properties.Count == 0)
        {
            return InsertOrDelete(seed);
        }

        var (id, width) = PropertyKinds[random.Next(PropertyKinds.Length)];
        var property = new PacketWriter().Byte(id);
        _ = width switch
        {
            1 => property.Byte((byte)random.Next(256)),
            2 => property.U16(random.Next(3) == 0 ? 0 : random.Next(65536)),
            4 => property.U32(random.Next(3) == 0 ? uint.MaxValue : (uint)random.Next()),
            -1 => property.Str(Text()),
            -2 => property.Str(Text()).Str(Text()),
            -3 => property.Bin(new byte[random.Next(0, 64)]),
            _ => property.Raw(VarIntOf(Interesting(1, 268_435_455))),
        };
        var block = seed.Properties[random.Next(seed.Properties.Count)];
        var at = block.Items.Count == 0 ? block.LengthOffset + block.LengthWidth : block.Items[random.Next(block.Items.Count)].Offset;
        return WithProperties(seed, block, at, property.Build("", 0).Body, 1);
    }

    byte[] DuplicateProperty(SeedPacket seed)
    {
        var blocks = seed.Properties.Where(b => b.Items.Count > 0).ToList();
        if (blocks.Count == 0)
        {
            return InsertProperty(seed);
        }

        var block = blocks[random.Next(blocks.Count)];
        var (offset, length) = block.Items[random.Next(block.Items.Count)];
        // Twice (a property that must appear once), or many times (user properties past the broker's limit).
        var copies = random.Next(3) == 0 ? random.Next(60, 200) : 1;
        return WithProperties(seed, block, offset, seed.Body.AsSpan(offset, length).ToArray(), copies);
    }

    /// <summary>Inserts <paramref name="copies"/> of <paramref name="property"/> at <paramref name="at"/>, most times fixing both lengths.</summary>
    byte[] WithProperties(SeedPacket seed, PropertyBlock block, int at, byte[] property, int copies)
    {
        var inserted = Enumerable.Repeat(property, copies).SelectMany(p => p).ToArray();
        var body = Replace(seed.Body, at, 0, inserted);
        var oldLength = ReadVarInt(seed.Body, block.LengthOffset);
        var newLength = random.Next(8) == 0 ? Interesting(oldLength, 268_435_455) : oldLength + inserted.Length;
        body = Replace(body, block.LengthOffset, block.LengthWidth, VarIntOf(newLength));
        return SeedPacket.Frame(seed.Header, body);
    }

    byte[] Splice(SeedPacket seed, SeedPacket other)
    {
        var a = seed.Encode();
        var b = other.Encode();
        var head = a.AsSpan(0, random.Next(a.Length + 1));
        var tail = b.AsSpan(random.Next(b.Length + 1));
        if (random.Next(2) == 0)
        {
            return [.. head, .. tail]; // the frames as they fall
        }

        var body = seed.Body.AsSpan(0, random.Next(seed.Body.Length + 1)).ToArray().Concat(other.Body.AsSpan(random.Next(other.Body.Length + 1)).ToArray()).ToArray();
        return SeedPacket.Frame(seed.Header, body); // one frame around two halves
    }

    byte[] Truncate(byte[] packet) => packet[..random.Next(packet.Length)];

    byte[] OddByte(byte[] packet)
    {
        byte[] odd = [0x00, 0xFF, 0x7F, 0x80, 0x01, 0xC0, 0xFE, (byte)'+', (byte)'#', (byte)'/', (byte)'$'];
        for (var n = random.Next(1, 4); n > 0 && packet.Length > 0; n--)
        {
            packet[random.Next(packet.Length)] = odd[random.Next(odd.Length)];
        }

        return packet;
    }

    byte[] InsertOrDelete(SeedPacket seed)
    {
        var at = random.Next(seed.Body.Length + 1);
        var body = random.Next(2) == 0
            ? Replace(seed.Body, at, 0, RandomBytes(random.Next(1, 16)))
            : Replace(seed.Body, at, Math.Min(random.Next(1, 16), seed.Body.Length - at), []);
        return SeedPacket.Frame(seed.Header, body);
    }

    byte[] Header(SeedPacket seed)
    {
        var header = random.Next(3) switch
        {
            0 => (byte)((seed.Header & 0xF0) | random.Next(16)), // reserved flags, QoS 3, DUP
            1 => (byte)((random.Next(16) << 4) | (seed.Header & 0x0F)), // another type (0 and 15 among them)
            _ => (byte)random.Next(256),
        };
        return SeedPacket.Frame(header, seed.Body);
    }

    /// <summary>A value next to <paramref name="current"/>, a boundary, or anything up to <paramref name="max"/>.</summary>
    long Interesting(long current, long max)
    {
        long[] values = [0, 1, current - 1, current + 1, current * 2, 127, 128, 255, 256, 16_383, 16_384, 0x7FFF, 0x8000, 0xFFFF, 2_097_151, 268_435_455, max + 1];
        var value = random.Next(4) == 0 ? random.NextInt64(max + 2) : values[random.Next(values.Length)];
        return Math.Clamp(value, 0, max == 0xFFFF ? 0xFFFF : max + 1);
    }

    string Text()
    {
        string[] texts = ["", "k", "cw/#", "$SYS", "\0", "\uFFFF", "\u00e9t\u00e9", new string('x', 300), "cw/+/broadcast"];
        return texts[random.Next(texts.Length)];
    }

    byte[] RandomBytes(int count)
    {
        var bytes = new byte[count];
        random.NextBytes(bytes);
        return bytes;
    }

    static byte[] VarIntOf(long value) => SeedPacket.VarInt(value);

    static long ReadVarInt(byte[] body, int offset)
    {
        long value = 0;
        for (var i = 0; i < 4 && offset + i < body.Length; i++)
        {
            value |= (long)(body[offset + i] & 0x7F) << (7 * i);
            if ((body[offset + i] & 0x80) == 0)
            {
                break;
            }
        }

        return value;
    }

    static byte[] Replace(byte[] body, int offset, int width, ReadOnlySpan<byte> replacement) =>
        [.. body.AsSpan(0, offset), .. replacement, .. body.AsSpan(offset + width)];
}
