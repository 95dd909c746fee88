using CreatiWall.Api.Activity;
using CreatiWall.Api.Auth;
using CreatiWall.Api.Broadcasts;
using CreatiWall.Api.Cli;
using CreatiWall.Api.Connections;
using CreatiWall.Api.Dashboard;
using CreatiWall.Api.Devices;
using CreatiWall.Api.Errors;
using CreatiWall.Api.Health;
using CreatiWall.Api.History;
using CreatiWall.Api.HttpSecurity;
using CreatiWall.Api.LayoutUpdates;
using CreatiWall.Api.Logging;
using CreatiWall.Api.Mqtt;
using CreatiWall.Api.Observability;
using CreatiWall.Api.OpenApi;
using CreatiWall.Api.RateLimiting;
using CreatiWall.Api.Routing;
using CreatiWall.Api.Tls;
using CreatiWall.Api.Tokens;
using Microsoft.Extensions.Options;
using Serilog;

// token, checktoken, checkconfig (Api/Cli): operator commands on the host's own composition; without one, serve.
var command = Command.Find(args);
var builder = WebApplication.CreateBuilder(command?.HostArgs ?? args);
builder.AddLogging();
builder.AddErrorHandling();
builder.AddJwt();
builder.AddBearerAuthentication();
builder.AddRateLimiting();
builder.AddTls();
builder.AddMqttBroker();
builder.AddRequestLimits();
builder.AddCorsPolicy();
builder.AddApiDocs();
builder.AddMetrics();
if (command is not null)
{
    return await command.RunAsync(builder);
}

try
{
    var app = builder.Build();
    app.ValidateSettings();
    app.UseSerilogRequestLogging();
    app.UseErrorHandling();
    app.UseSecurityHeaders();
    app.UseDashboard();
    app.UseWebSockets();
    app.UseCors();
    app.UseAuthentication();
    app.UseRateLimiter();
    app.UseAuthorization();
    app.MapHealth();
    app.MapMqtt();
    var api = app.MapApi();
    api.MapBroadcasts();
    api.MapConnections();
    api.MapLayoutUpdates();
    api.MapDevices();
    api.MapHistory();
    api.MapTokens();
    api.MapActivity();
    app.MapApiDocs();
    app.MapMetrics();
    await app.RunAsync();
    return 0;
}
catch (OptionsValidationException invalid)
{
    // One line naming the setting, not a stack trace: this is a configuration mistake.
    Console.Error.WriteLine($"error: {string.Join(" ", invalid.Failures)}");
    return 1;
}
