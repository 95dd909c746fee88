using CreatiWall.Api.Tls;
using CreatiWall.Broker;
using CreatiWall.Broker.Mqtt;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.Options;
using MQTTnet.AspNetCore;

namespace CreatiWall.Api.Mqtt;

public static class MqttHosting
{
    /// <summary>The broker (its MQTT server with its rules, store, presence, layouts) and its MQTT over TCP listener.</summary>
    public static WebApplicationBuilder AddMqttBroker(this WebApplicationBuilder builder)
    {
        builder.Services.AddBroker(builder.Configuration);
        builder.Services.AddSingleton<MqttListener>();
        builder.Services.AddConnections();

        var urls = builder.WebHost.GetSetting(WebHostDefaults.ServerUrlsKey);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            var mqtt = kestrel.ApplicationServices.GetRequiredService<IOptions<MqttOptions>>().Value;
            void Https(ListenOptions listen) => listen.UseHttps(TlsHosting.Https(kestrel.ApplicationServices, new HttpsConnectionAdapterOptions()));
            kestrel.ListenOn(urls, Https);
            if (mqtt.TcpPort != 0)
            {
                kestrel.ListenAnyIP(mqtt.TcpPort, listen => listen.UseConnectionHandler<MqttListener>());
            }

            if (mqtt.TlsPort != 0)
            {
                kestrel.ListenAnyIP(mqtt.TlsPort, listen =>
                {
                    Https(listen);
                    listen.UseConnectionHandler<MqttListener>();
                });
            }
        });
        return builder;
    }

    /// <summary>MQTT over WebSocket at <c>Mqtt:WebSocketPath</c> (subprotocol <c>mqtt</c>), and nothing else there (<see cref="WebSocketOnly"/>).</summary>
    public static WebApplication MapMqtt(this WebApplication app)
    {
        var options = app.Services.GetRequiredService<IOptions<MqttOptions>>().Value;
        app.UseWebSocketOnly(options.WebSocketPath);
        app.MapConnectionHandler<MqttListener>(options.WebSocketPath, dispatcher =>
        {
            dispatcher.Transports = HttpTransportType.WebSockets;
            dispatcher.WebSockets.SubProtocolSelector = MqttSubProtocolSelector.SelectSubProtocol;
        });
        return app;
    }
}
