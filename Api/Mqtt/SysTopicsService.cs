using CreatiWall.Broker.Metrics;
using CreatiWall.Broker.Mqtt;
using Microsoft.Extensions.Options;
using MQTTnet.Server;

namespace CreatiWall.Api.Mqtt;

/// <summary>Refreshes the retained <c>$SYS/broker/...</c> topics every <c>Mqtt:SysIntervalSeconds</c>.</summary>
public sealed class SysTopicsService(SysTopics sys, MqttServer server, IOptions<MqttOptions> options, ILogger<SysTopicsService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        server.StartedAsync += _ =>
        {
            started.TrySetResult();
            return Task.CompletedTask;
        };
        if (!server.IsStarted)
        {
            await started.Task.WaitAsync(stoppingToken);
        }

        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(options.Value.SysIntervalSeconds));
        do
        {
            try
            {
                await sys.PublishAsync();
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogWarning(e, "Publishing $SYS topics failed");
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}
