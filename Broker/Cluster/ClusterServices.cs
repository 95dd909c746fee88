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
    /// With <c>Redis:ConnectionString</c> set: this node joins the cluster (routing between nodes, shared state); without
    /// it, a single node with nothing to relay.
    /// </summary>
    public static IServiceCollection AddCluster(this IServiceCollection services, IConfiguration configuration)
    {
        var redis = configuration[RedisConnectionKey];
        if (string.IsNullOrWhiteSpace(redis))
        {
            services.AddSingleton<IMessageRelay, NoRelay>();
            return services;
        }

        services.AddOptions<ClusterOptions>().Bind(configuration.GetSection(ClusterOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        // The one Redis connection (IConnectionMultiplexer) is the store's: RedisServices.AddRedisStore registers it.
        services.AddSingleton(sp =>
        {
            var cluster = sp.GetRequiredService<IOptions<ClusterOptions>>().Value;
            var mqtt = sp.GetRequiredService<IOptions<MqttOptions>>().Value;
            var id = cluster.NodeId ?? $"{Environment.MachineName}:{(mqtt.TcpPort != 0 ? mqtt.TcpPort : Environment.ProcessId)}";
            return new ClusterNode(id, sp.GetRequiredService<TimeProvider>().GetUtcNow());
        });
        services.AddSingleton<ClusterBus>();
        services.AddSingleton<IMessageRelay>(sp => sp.GetRequiredService<ClusterBus>());
        services.AddSingleton<IHostedService>(sp => sp.GetRequiredService<ClusterBus>());
        return services;
    }
}
