using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace CreatiWall.Broker.Storage.Redis;

/// <summary>
/// Configuration section <c>Redis</c>. A connection string turns cluster mode on: every node of the cluster keeps its
/// state in that Redis (one server, Sentinel or Redis Cluster) instead of the embedded SQLite file.
/// </summary>
public sealed class RedisOptions
{
    public const string Section = "Redis";

    /// <summary>StackExchange.Redis syntax, e.g. <c>127.0.0.1:6379</c> or <c>redis-1:6379,redis-2:6379,password=…</c>; empty: off.</summary>
    public string? ConnectionString { get; set; }

    public bool Enabled => !string.IsNullOrWhiteSpace(ConnectionString);

    /// <summary>
    /// The client's settings: those of the connection string, and the host's defaults where it says nothing: the host
    /// starts while Redis is down, and reconnects at most 5 s apart once it is back.
    /// </summary>
    internal ConfigurationOptions ToConfiguration()
    {
        var configuration = ConfigurationOptions.Parse(ConnectionString!);
        configuration.AbortOnConnectFail = false;
        configuration.ReconnectRetryPolicy = new ExponentialRetry(500, 5000);
        configuration.ClientName ??= "creatiwall";
        return configuration;
    }
}

/// <summary>Refuses a connection string that does not parse or names no server, at start-up.</summary>
internal sealed class RedisOptionsValidator : IValidateOptions<RedisOptions>
{
    public ValidateOptionsResult Validate(string? name, RedisOptions options)
    {
        if (!options.Enabled)
        {
            return ValidateOptionsResult.Success;
        }

        try
        {
            return options.ToConfiguration().EndPoints.Count == 0
                ? ValidateOptionsResult.Fail("Redis:ConnectionString names no server (e.g. 127.0.0.1:6379).")
                : ValidateOptionsResult.Success;
        }
        catch (ArgumentException error)
        {
            return ValidateOptionsResult.Fail($"Redis:ConnectionString is not a valid StackExchange.Redis configuration: {error.Message}");
        }
    }
}
