using CreatiWall.Broker.Cluster;
using CreatiWall.Broker.Identity;
using CreatiWall.Broker.LayoutUpdates;
using CreatiWall.Broker.Metrics;
using CreatiWall.Broker.Mqtt;
using CreatiWall.Broker.Mqtt.Limits;
using CreatiWall.Broker.Mqtt.Routing;
using CreatiWall.Broker.Operations;
using CreatiWall.Broker.Presence;
using CreatiWall.Broker.Publishing;
using CreatiWall.Broker.Revocations;
using CreatiWall.Broker.Storage;
using CreatiWall.Broker.Storage.Redis;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CreatiWall.Broker;

public static class BrokerServices
{
    /// <summary>The meter of the broker's figures, for the host's metrics exporter.</summary>
    public const string MeterName = MqttCounters.MeterName;

    /// <summary>
    /// The broker without a transport: its options (validated at start-up), tokens, store, the MQTT server with its rules,
    /// presence, layouts, <c>$SYS</c> and the operations the host may call. The host adds listeners that hand connections
    /// to <see cref="BrokerTransport"/>.
    /// </summary>
    public static IServiceCollection AddBroker(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<JwtOptions>().Bind(configuration.GetSection(JwtOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<JwtOptions>, JwtOptionsValidator>();
        services.AddOptions<MqttOptions>().Bind(configuration.GetSection(MqttOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<StorageOptions>()
            .Bind(configuration.GetSection(StorageOptions.Section))
            .Validate(o => !string.IsNullOrWhiteSpace(o.ConnectionString), "Storage:ConnectionString must not be empty.")
            .Validate(o => o.HistoryMaxMessages is >= 1 and <= 1_000_000, "Storage:HistoryMaxMessages must be between 1 and 1000000.")
            .Validate(o => o.HistoryMaxAgeHours is >= 1 and <= 24 * 365, "Storage:HistoryMaxAgeHours must be between 1 and 8760.")
            .ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.AddMetrics();

        services.AddSingleton<TokenRevocations>();
        services.AddSingleton<IRevocationList>(sp => sp.GetRequiredService<TokenRevocations>());
        services.AddSingleton<TokenValidator>();
        services.AddSingleton<TokenIssuer>();
        if (!services.AddRedisStore(configuration)) // cluster mode: Redis:ConnectionString
        {
            services.AddSingleton<IBrokerStore, SqliteStore>();
        }

        // Each data area's interface is the same instance: consumers ask for the small one they use.
        services.AddSingleton<ISequenceStore>(sp => sp.GetRequiredService<IBrokerStore>());
        services.AddSingleton<IDeviceStore>(sp => sp.GetRequiredService<IBrokerStore>());
        services.AddSingleton<IRetainedStore>(sp => sp.GetRequiredService<IBrokerStore>());
        services.AddSingleton<ILayoutDeliveryStore>(sp => sp.GetRequiredService<IBrokerStore>());
        services.AddSingleton<IHistoryStore>(sp => sp.GetRequiredService<IBrokerStore>());
        services.AddSingleton<IStoreDurability>(sp => sp.GetRequiredService<IBrokerStore>());
        services.AddSingleton<IStoreHealth>(sp => sp.GetRequiredService<IBrokerStore>());
        services.AddSingleton<IRevocationStore>(sp => sp.GetRequiredService<IBrokerStore>());

        services.AddSingleton<TrafficCounters>();
        services.AddSingleton<MqttCounters>();
        services.AddSingleton<ConnectionRegistry>();
        services.AddSingleton<SessionClaims>();
        services.AddSingleton<AddressLimits>();
        services.AddSingleton<TenantConnections>();
        services.AddSingleton<MessageRouter>();
        services.AddSingleton<RetainedMessages>();
        services.AddSingleton<SessionExpiry>();
        services.AddSingleton<Handover>();
        services.AddSingleton<BrokerLifecycle>();
        services.AddSingleton<MqttServerHandle>();
        services.AddCluster(configuration);
        services.AddSingleton<MqttEventAdapter>();
        services.AddSingleton(sp => new BrokerTransport(
            sp.GetRequiredService<TrafficCounters>(), sp.GetRequiredService<MqttCounters>(), sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<BrokerTransport>>()));
        services.AddSingleton(sp => BrokerServer.Create(
            sp.GetRequiredService<IOptions<MqttOptions>>(), sp.GetRequiredService<BrokerTransport>(),
            sp.GetRequiredService<MqttEventAdapter>(), sp.GetRequiredService<MqttServerHandle>()));
        services.AddHostedService<MqttServerHost>();

        services.AddSingleton<ServerPublisher>();
        services.TryAddSingleton<IPresenceLedger, LocalPresenceLedger>(); // cluster mode registered Redis's above
        services.AddSingleton<PresenceTracker>();
        services.AddSingleton<IConnectionObserver>(sp => sp.GetRequiredService<PresenceTracker>());
        services.AddSingleton(sp => new Layouts(
            sp.GetRequiredService<ServerPublisher>(), sp.GetRequiredService<ISequenceStore>(), sp.GetRequiredService<IDeviceStore>(),
            sp.GetRequiredService<ILayoutDeliveryStore>(), sp.GetRequiredService<IStoreDurability>(), sp.GetRequiredService<ILogger<Layouts>>()));
        services.AddSingleton<IDeviceTrafficObserver>(sp => sp.GetRequiredService<Layouts>());

        services.AddSingleton(sp => new RevocationEnforcer(
            sp.GetRequiredService<TokenRevocations>(), sp.GetRequiredService<ConnectionRegistry>(), sp.GetRequiredService<MqttEventAdapter>(),
            sp.GetRequiredService<IOptions<JwtOptions>>(), sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<RevocationEnforcer>>()));
        services.AddSingleton<IHostedService>(sp => sp.GetRequiredService<RevocationEnforcer>());
        services.AddSingleton<FleetGauges>();
        services.AddSingleton<ActivitySeries>();
        services.AddSingleton<SysTopics>();
        services.AddHostedService<SysTopicsService>();
        services.AddSingleton(sp => new BrokerOperations(
            sp.GetRequiredService<ConnectionRegistry>(), sp.GetRequiredService<MessageRouter>(), sp.GetRequiredService<MqttEventAdapter>(),
            sp.GetRequiredService<ServerPublisher>(), sp.GetRequiredService<IDeviceStore>(), sp.GetRequiredService<IHistoryStore>(),
            sp.GetRequiredService<IStoreHealth>(), sp.GetRequiredService<BrokerLifecycle>(), sp.GetRequiredService<ISessionDirectory>(),
            sp.GetRequiredService<IClusterView>(), sp.GetRequiredService<ClusterNode>(), sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ActivitySeries>()));
        return services;
    }
}
