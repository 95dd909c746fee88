using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace CreatiWall.Broker.Storage.Redis;

internal static class RedisServices
{
    /// <summary>
    /// Binds and validates <c>Redis</c> (always, so a bad value is refused at start-up and by <c>checkconfig</c>); when
    /// <c>Redis:ConnectionString</c> is set, registers one connection (made without waiting for Redis: the host starts,
    /// not ready, while Redis is down) and <see cref="RedisStore"/> as the store. Returns whether it did.
    /// </summary>
    public static bool AddRedisStore(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<RedisOptions>().Bind(configuration.GetSection(RedisOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<RedisOptions>, RedisOptionsValidator>();
        if (!(configuration.GetSection(RedisOptions.Section).Get<RedisOptions>()?.Enabled ?? false))
        {
            return false;
        }

        services.AddSingleton<IConnectionMultiplexer>(sp =>
            ConnectionMultiplexer.Connect(sp.GetRequiredService<IOptions<RedisOptions>>().Value.ToConfiguration()));
        services.AddSingleton<RedisStore>();
        services.AddSingleton<IBrokerStore>(sp => sp.GetRequiredService<RedisStore>());
        services.AddSingleton<IRetainedLookup>(sp => sp.GetRequiredService<RedisStore>());
        services.AddSingleton<IPresenceLedger>(sp => sp.GetRequiredService<RedisStore>().Presence);
        return true;
    }
}
