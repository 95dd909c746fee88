using System.Text;

namespace CreatiWall.Fuzzing;

/// <summary>
/// The seeds: valid MQTT 3.1.1 and 5 packets of every kind a client sends, MQTT 5 ones with properties, for one
/// principal (its token as the password) in one tenant.
/// </summary>
internal sealed class FuzzCorpus
{
    public FuzzCorpus(int version, string tenant, string token, string clientId, string username = "", string? device = null)
    {
        Version = version;
        var v5 = version == 5;
        var self = device ?? "fz-d1";
        Connect = ConnectPacket(version, token, clientId, username, will: null);
        var json = Encoding.UTF8.GetBytes($$$"""{"id":"fz","type":"notification","channel":"tenant:{{{tenant}}}","data":{"n":1}}""");
        string[] topics = [$"cw/{tenant}/broadcast", $"cw/{tenant}/channels/fuzz/a", $"cw/{tenant}/devices/{self}/ack", $"cw/{tenant}/content"];
        string[] filters = [$"cw/{tenant}/broadcast", $"cw/{tenant}/channels/#", $"cw/{tenant}/devices/+/status", $"$share/g/cw/{tenant}/content", "#", "$SYS/#"];

        var packets = new List<SeedPacket>
        {
            ConnectPacket(version, token, clientId, username, will: $"cw/{tenant}/devices/{self}/status"),
            ConnectPacket(3, token, clientId, username, will: null),
            Subscribe(v5, 1, filters[..3]),
            Subscribe(v5, 2, filters[3..]),
            Unsubscribe(v5, 3, filters[..2]),
            new PacketWriter().Build("PINGREQ", 0xC0),
        };
        for (var qos = 0; qos <= 2; qos++)
        {
            foreach (var topic in topics)
            {
                packets.Add(Publish(v5, qos, retain: topic.EndsWith("/a", StringComparison.Ordinal), topic, (ushort)(10 + qos), json));
            }
        }

        foreach (var (name, header) in new[] { ("PUBACK", (byte)0x40), ("PUBREC", (byte)0x50), ("PUBREL", (byte)0x62), ("PUBCOMP", (byte)0x70) })
        {
            packets.Add(Acknowledgement(v5, name, header, 11));
        }

        packets.Add(v5
            ? new PacketWriter().Byte(0x00).Properties(p => p.U32(0x11, 0).Str(0x1F, "bye").Pair(0x26, "k", "v")).Build("DISCONNECT", 0xE0)
            : new PacketWriter().Build("DISCONNECT", 0xE0));
        if (v5)
        {
            packets.Add(new PacketWriter().Byte(0x18).Properties(p => p.Str(0x15, "SCRAM-SHA-1").Bin(0x16, [1, 2, 3])).Build("AUTH", 0xF0));
        }

        Packets = packets;
    }

    public int Version { get; }

    /// <summary>The CONNECT that the host accepts.</summary>
    public SeedPacket Connect { get; }

    /// <summary>Everything else (another CONNECT, with a will, and a 3.1 one among them).</summary>
    public IReadOnlyList<SeedPacket> Packets { get; }

    static SeedPacket ConnectPacket(int version, string token, string clientId, string username, string? will)
    {
        var w = new PacketWriter().Str(version == 3 ? "MQIsdp" : "MQTT").Byte((byte)version);
        var flags = (byte)(0xC2 | (will is null ? 0 : 0x0C)); // username, password, clean; will QoS 1
        w.Byte(flags).U16(30);
        if (version == 5)
        {
            // A short session expiry: fuzzed clients leave sessions behind, and each principal may hold only so many.
            w.Properties(p => p.U32(0x11, 5).U16(0x21, 20).U32(0x27, 1 << 20).U16(0x22, 4).Byte(0x19, 1).Byte(0x17, 1).Pair(0x26, "agent", "fuzz"));
        }

        w.Str(clientId);
        if (will is not null)
        {
            if (version == 5)
            {
                w.Properties(p => p.U32(0x18, 1).Byte(0x01, 1).U32(0x02, 60).Str(0x03, "application/json").Str(0x08, will + "/reply")
                    .Bin(0x09, [9, 9]).Pair(0x26, "k", "v"));
            }

            w.Str(will).Bin(Encoding.UTF8.GetBytes("""{"type":"device_status","data":{"status":"offline"}}"""));
        }

        return w.Str(username).Str(token).Build(will is null ? $"CONNECT v{version}" : $"CONNECT v{version} will", 0x10);
    }

    static SeedPacket Subscribe(bool v5, ushort id, string[] filters)
    {
        var w = new PacketWriter().U16(id);
        if (v5)
        {
            w.Properties(p => p.VarInt(0x0B, id).Pair(0x26, "k", "v"));
        }

        foreach (var filter in filters)
        {
            w.Str(filter).Byte(v5 ? (byte)0x2D : (byte)0x01); // QoS 1; v5: no local, retain as published, retain handling 2
        }

        return w.Build("SUBSCRIBE", 0x82);
    }

    static SeedPacket Unsubscribe(bool v5, ushort id, string[] filters)
    {
        var w = new PacketWriter().U16(id);
        if (v5)
        {
            w.Properties(p => p.Pair(0x26, "k", "v"));
        }

        foreach (var filter in filters)
        {
            w.Str(filter);
        }

        return w.Build("UNSUBSCRIBE", 0xA2);
    }

    static SeedPacket Publish(bool v5, int qos, bool retain, string topic, ushort id, byte[] payload)
    {
        var w = new PacketWriter().Str(topic);
        if (qos > 0)
        {
            w.U16(id);
        }

        if (v5)
        {
            w.Properties(p => p.Byte(0x01, 1).U32(0x02, 30).Str(0x03, "application/json").Str(0x08, topic).Bin(0x09, [1, 2, 3, 4])
                .Pair(0x26, "trace", "fz"));
        }

        return w.Raw(payload).Build($"PUBLISH QoS {qos}", (byte)(0x30 | (qos << 1) | (retain ? 1 : 0)));
    }

    static SeedPacket Acknowledgement(bool v5, string name, byte header, ushort id)
    {
        var w = new PacketWriter().U16(id);
        if (v5)
        {
            w.Byte(0x00).Properties(p => p.Str(0x1F, "ok").Pair(0x26, "k", "v"));
        }

        return w.Build(name, header);
    }
}
