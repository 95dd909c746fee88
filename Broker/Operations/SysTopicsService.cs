using CreatiWall.Broker.Mqtt;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CreatiWall.Broker.Operations;

/// <summary>Refreshes the retained <c>$SYS/broker/...</c> topics every <c>Mqtt:SysIntervalSeconds</c>, once the server runs.</summary>
internal sealed partial class SysTopicsService(SysTopics sys, BrokerLifecycle lifecycle, IOptions<MqttOptions> options, ILogger<SysTopicsService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await lifecycle.Started.WaitAsync(stoppingToken);
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(options.Value.SysIntervalSeconds));
        do
        {
            try
            {
                await sys.PublishAsync();
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogFailed(e);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    [LoggerMessage(LogLevel.Warning, "Publishing $SYS topics failed")]
    partial void LogFailed(Exception error);
}
