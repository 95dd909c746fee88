using System.Buffers;
using MQTTnet;
using MQTTnet.Protocol;

namespace CreatiWall.Broker.Storage.Sqlite;

/// <summary>The <c>retained</c> table, one row per topic.</summary>
internal sealed class SqliteRetained(SqliteDatabase database) : IRetainedStore
{
    public Task SaveRetainedAsync(MqttApplicationMessage message) => database.Writes.RunAsync(db =>
    {
        if (message.Payload.IsEmpty)
        {
            db.Execute("DELETE FROM retained WHERE topic = $topic", ("$topic", message.Topic));
        }
        else
        {
            db.Execute("""
                INSERT INTO retained (topic, payload, qos, content_type, payload_format) VALUES ($topic, $payload, $qos, $type, $format)
                ON CONFLICT (topic) DO UPDATE SET payload = $payload, qos = $qos, content_type = $type, payload_format = $format
                """,
                ("$topic", message.Topic), ("$payload", message.Payload.ToArray()), ("$qos", (int)message.QualityOfServiceLevel),
                ("$type", message.ContentType), ("$format", (int)message.PayloadFormatIndicator));
        }

        return 0;
    });

    public Task<List<MqttApplicationMessage>> LoadRetainedAsync() => database.ReadAsync(db =>
    {
        using var reader = db.Command("SELECT topic, payload, qos, content_type, payload_format FROM retained").ExecuteReader();
        var messages = new List<MqttApplicationMessage>();
        while (reader.Read())
        {
            messages.Add(new MqttApplicationMessageBuilder()
                .WithTopic(reader.GetString(0))
                .WithPayload((byte[])reader.GetValue(1))
                .WithQualityOfServiceLevel((MqttQualityOfServiceLevel)reader.GetInt32(2))
                .WithContentType(SqliteSession.Text(reader, 3))
                .WithPayloadFormatIndicator((MqttPayloadFormatIndicator)reader.GetInt32(4))
                .WithRetainFlag()
                .Build());
        }

        return messages;
    });
}
