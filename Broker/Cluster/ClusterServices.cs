using CreatiWall.Broker.Mqtt;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace CreatiWall.Broker.Cluster;

internal static class ClusterServices
{
    public const string RedisConnectionKey = "Redis:ConnectionString";

    /// <summary>
    /// With <c>Redis:ConnectionString</c> set: this node joins the cluster (routing between nodes, client ids, heartbeats,
    /// sweeping dead nodes); without it, a single node with nothing to relay and nobody else to ask.
    /// </summary>
    public static IServiceCollection AddCluster(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<ClusterOptions>().Bind(configuration.GetSection(ClusterOptions.Section)).ValidateDataAnnotations()
            .Validate(o => o.HeartbeatSeconds * 3 <= o.NodeTimeoutSeconds,
                "Cluster:NodeTimeoutSeconds must be at least 3 × Cluster:HeartbeatSeconds, or live nodes are taken for dead between beats.")
            .ValidateOnStart();
        services.AddSingleton(sp =>
        {
            var cluster = sp.GetRequiredService<IOptions<ClusterOptions>>().Value;
            var mqtt = sp.GetRequiredService<IOptions<MqttOptions>>().Value;
            var id = cluster.NodeId ?? $"{Environment.MachineName}:{(mqtt.TcpPort != 0 ? mqtt.TcpPort : Environment.ProcessId)}";
            return new ClusterNode(id, sp.GetRequiredService<TimeProvider>().GetUtcNow());
        });

        if (string.IsNullOrWhiteSpace(configuration[RedisConnectionKey]))
        {
            services.AddSingleton<IMessageRelay, NoRelay>();
            services.AddSingleton<ISessionDirectory, LocalSessions>();
            services.AddSingleton<IClusterView, SingleNodeView>();
            return services;
        }

        // The one Redis connection (IConnectionMultiplexer) is the store's: RedisServices.AddRedisStore registers it.
        services.AddSingleton<ClusterBus>();
        services.AddSingleton<IMessageRelay>(sp => sp.GetRequiredService<ClusterBus>());
        services.AddSingleton<IHostedService>(sp => sp.GetRequiredService<ClusterBus>());
        services.AddSingleton<ClusterSessions>();
        services.AddSingleton<ISessionDirectory>(sp => sp.GetRequiredService<ClusterSessions>());
        services.AddSingleton<NodeSweeper>();
        services.AddSingleton<ClusterNodes>();
        services.AddSingleton<IClusterView>(sp => sp.GetRequiredService<ClusterNodes>());
        services.AddSingleton<IHostedService>(sp => sp.GetRequiredService<ClusterNodes>());
        return services;
    }
}
