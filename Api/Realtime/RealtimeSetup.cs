using System.ComponentModel.DataAnnotations;
using CreatiWall.Broker.Messages;
using CreatiWall.Broker.Mqtt;
using CreatiWall.Broker.Storage;
using Microsoft.Extensions.Options;

namespace CreatiWall.Api.Realtime;

/// <summary>Configuration section <c>Api</c>.</summary>
public sealed class ApiOptions
{
    public const string Section = "Api";

    /// <summary>Larger request bodies get 413.</summary>
    [Range(1024, 64 * 1024 * 1024)]
    public long MaxRequestBodyBytes { get; set; } = 1024 * 1024;
}

public static class RealtimeSetup
{
    /// <summary>The store, the server-side publisher and the request limits behind the REST routes.</summary>
    public static WebApplicationBuilder AddRealtime(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<ApiOptions>()
            .Bind(builder.Configuration.GetSection(ApiOptions.Section))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddOptions<StorageOptions>()
            .Bind(builder.Configuration.GetSection(StorageOptions.Section))
            .Validate(o => !string.IsNullOrWhiteSpace(o.ConnectionString), "Storage:ConnectionString must not be empty.")
            .Validate(o => o.HistoryMaxMessages is >= 1 and <= 1_000_000, "Storage:HistoryMaxMessages must be between 1 and 1000000.")
            .Validate(o => o.HistoryMaxAgeHours is >= 1 and <= 24 * 365, "Storage:HistoryMaxAgeHours must be between 1 and 8760.")
            .ValidateOnStart();
        builder.Services.AddSingleton<IBrokerStore, SqliteStore>();
        builder.Services.AddSingleton<ServerPublisher>();
        builder.Services.AddSingleton<SubscriptionIndex>();
        builder.WebHost.ConfigureKestrel(kestrel =>
            kestrel.Limits.MaxRequestBodySize = kestrel.ApplicationServices.GetRequiredService<IOptions<ApiOptions>>().Value.MaxRequestBodyBytes);
        return builder;
    }
}
