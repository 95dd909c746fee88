namespace CreatiWall.DeviceAgent;

/// <summary>Runs every device of this process (one, or N with --simulate) until stopped or one gives up.</summary>
public sealed class AgentService(IReadOnlyList<DeviceRunner> devices, IHostApplicationLifetime lifetime, ILogger<AgentService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await Task.WhenAll(devices.Select(d => d.RunAsync(stoppingToken)));
        }
        catch (AgentFailedException e)
        {
            logger.Failed(e.Message);
            Environment.ExitCode = 1;
            lifetime.StopApplication();
        }
    }
}
