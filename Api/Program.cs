using CreatiWall.Api.Auth;
using CreatiWall.Api.Cli;
using CreatiWall.Api.Health;
using CreatiWall.Api.Logging;
using CreatiWall.Api.Mqtt;
using Microsoft.Extensions.Options;
using Serilog;

if (TokenCommand.Find(args) is { } token)
{
    return TokenCommand.Run(token.HostArgs, token.CommandArgs);
}

var builder = WebApplication.CreateBuilder(args);

builder.AddLogging();
builder.AddJwt();
builder.AddMqttBroker();

try
{
    var app = builder.Build();
    app.UseSerilogRequestLogging();
    app.UseWebSockets();
    app.MapHealth();
    app.MapMqtt();
    await app.RunAsync();
    return 0;
}
catch (OptionsValidationException invalid)
{
    // One line naming the setting, not a stack trace: this is a configuration mistake.
    Console.Error.WriteLine($"error: {string.Join(" ", invalid.Failures)}");
    return 1;
}
