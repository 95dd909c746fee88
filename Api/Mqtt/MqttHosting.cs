using CreatiWall.Broker.Messages;
using CreatiWall.Broker.Metrics;
using CreatiWall.Broker.Mqtt;
using CreatiWall.Broker.Mqtt.Routing;
using CreatiWall.Broker.Presence;
using CreatiWall.Broker.Storage;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using MQTTnet.AspNetCore;
using MQTTnet.Server;

namespace CreatiWall.Api.Mqtt;

public static class MqttHosting
{
    /// <summary>The embedded MQTTnet server, its TCP listener and everything the broker needs: store, presence, metrics.</summary>
    public static WebApplicationBuilder AddMqttBroker(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<StorageOptions>()
            .Bind(builder.Configuration.GetSection(StorageOptions.Section))
            .Validate(o => !string.IsNullOrWhiteSpace(o.ConnectionString), "Storage:ConnectionString must not be empty.")
            .Validate(o => o.HistoryMaxMessages is >= 1 and <= 1_000_000, "Storage:HistoryMaxMessages must be between 1 and 1000000.")
            .Validate(o => o.HistoryMaxAgeHours is >= 1 and <= 24 * 365, "Storage:HistoryMaxAgeHours must be between 1 and 8760.")
            .ValidateOnStart();
        builder.Services.AddSingleton<IBrokerStore, SqliteStore>();
        // Each data area's interface is the same instance: consumers may ask for the small one they use.
        builder.Services.AddSingleton<ISequenceStore>(sp => sp.GetRequiredService<IBrokerStore>());
        builder.Services.AddSingleton<IDeviceStore>(sp => sp.GetRequiredService<IBrokerStore>());
        builder.Services.AddSingleton<IRetainedStore>(sp => sp.GetRequiredService<IBrokerStore>());
        builder.Services.AddSingleton<ILayoutDeliveryStore>(sp => sp.GetRequiredService<IBrokerStore>());
        builder.Services.AddSingleton<IHistoryStore>(sp => sp.GetRequiredService<IBrokerStore>());
        builder.Services.AddSingleton<IStoreDurability>(sp => sp.GetRequiredService<IBrokerStore>());
        builder.Services.AddSingleton<IStoreHealth>(sp => sp.GetRequiredService<IBrokerStore>());
        builder.Services.AddSingleton<ServerPublisher>();
        builder.Services.AddSingleton<MessageRouter>();
        builder.Services.AddSingleton<RetainedMessages>();
        builder.Services.AddSingleton<TrafficCounters>();
        builder.Services.AddSingleton<BrokerMetrics>();
        builder.Services.AddOptions<MqttOptions>()
            .Bind(builder.Configuration.GetSection(MqttOptions.Section))
            .ValidateDataAnnotations()
            .ValidateOnStart();

        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<ConnectionRegistry>();
        builder.Services.AddSingleton<SessionExpiry>();
        builder.Services.AddSingleton<BrokerLifecycle>();
        builder.Services.AddSingleton<MqttBroker>();
        builder.Services.AddSingleton<PresenceTracker>();
        builder.Services.AddSingleton<LayoutAcks>();
        builder.Services.AddSingleton<SysTopics>();
        builder.Services.AddHostedService<SysTopicsService>();
        builder.Services.AddSingleton<MqttListener>();
        builder.Services.AddSingleton<IMqttServerAdapter>(sp => sp.GetRequiredService<MqttListener>());
        builder.Services.AddHostedMqttServerWithServices(server =>
        {
            var mqtt = server.ServiceProvider.GetRequiredService<IOptions<MqttOptions>>().Value;
            server.WithPersistentSessions()
                .WithMaxPendingMessagesPerClient(mqtt.MaxPendingMessagesPerClient)
                .WithDefaultCommunicationTimeout(TimeSpan.FromSeconds(mqtt.ConnectTimeoutSeconds));
        });
        builder.Services.AddConnections();

        var urls = builder.WebHost.GetSetting(WebHostDefaults.ServerUrlsKey);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            var mqtt = kestrel.ApplicationServices.GetRequiredService<IOptions<MqttOptions>>().Value;
            kestrel.ListenOn(urls);
            if (mqtt.TcpPort != 0)
            {
                kestrel.ListenAnyIP(mqtt.TcpPort, listen => listen.UseConnectionHandler<MqttListener>());
            }
        });
        return builder;
    }

    /// <summary>MQTT over WebSocket at <c>Mqtt:WebSocketPath</c>, and the broker's events on the server.</summary>
    public static WebApplication MapMqtt(this WebApplication app)
    {
        var options = app.Services.GetRequiredService<IOptions<MqttOptions>>().Value;
        app.Services.GetRequiredService<MqttBroker>().Attach(app.Services.GetRequiredService<MqttServer>());
        app.MapConnectionHandler<MqttListener>(options.WebSocketPath, dispatcher =>
        {
            dispatcher.Transports = HttpTransportType.WebSockets;
            dispatcher.WebSockets.SubProtocolSelector = MqttSubProtocolSelector.SelectSubProtocol;
        });
        return app;
    }
}
