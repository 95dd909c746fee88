using CreatiWall.DeviceAgent;
using Serilog;

if (args.Contains("--help") || args.Length == 0)
{
    Console.WriteLine(AgentOptions.Help);
    return args.Length == 0 ? 2 : 0;
}

if (!AgentOptions.TryParse(args, out var options, out var error))
{
    Console.Error.WriteLine($"error: {error}");
    return 2;
}

var builder = Host.CreateApplicationBuilder();
builder.Services.AddSerilog(logger => logger
    .MinimumLevel.Information()
    .MinimumLevel.Override("Microsoft", Serilog.Events.LogEventLevel.Warning)
    .WriteTo.Console(outputTemplate: "[{Timestamp:HH:mm:ss} {Level:u3}] {Message:lj}{NewLine}{Exception}"));

List<DeviceRunner> devices;
try
{
    devices = CreateDevices(options, builder.Services.BuildServiceProvider().GetRequiredService<ILoggerFactory>().CreateLogger("agent"));
}
catch (Exception e) when (e is IOException or UnauthorizedAccessException)
{
    Console.Error.WriteLine($"error: --state-dir '{options.StateDir}' is not writable: {e.Message}");
    return 2;
}

builder.Services.AddSingleton<IReadOnlyList<DeviceRunner>>(devices);
builder.Services.AddHostedService<AgentService>();
await builder.Build().RunAsync();
return Environment.ExitCode;

static List<DeviceRunner> CreateDevices(AgentOptions options, Microsoft.Extensions.Logging.ILogger logger)
{
    if (options.Simulate == 0)
    {
        return [new DeviceRunner(options.Device, options.Token, options.StateDir, options, logger)];
    }

    var tenant = options.Token.Tenant();
    return Enumerable.Range(1, options.Simulate).Select(i =>
    {
        var device = $"{options.Device}-{i}";
        var token = options.DevSecret is { } secret
            ? TokenSource.Fixed(SimulatedTokens.Issue(secret, tenant, device, TimeSpan.FromDays(1)))
            : options.Token; // a tenant admin token may act as any device of its tenant
        return new DeviceRunner(device, token, Path.Combine(options.StateDir, device), options, logger);
    }).ToList();
}
