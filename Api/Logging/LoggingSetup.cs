using Serilog;

namespace CreatiWall.Api.Logging;

public static class LoggingSetup
{
    /// <summary>Serilog to the console, levels from the <c>Serilog</c> configuration section.</summary>
    public static WebApplicationBuilder AddLogging(this WebApplicationBuilder builder)
    {
        builder.Services.AddSerilog((services, logger) => logger
            .ReadFrom.Configuration(builder.Configuration)
            .ReadFrom.Services(services)
            .Enrich.FromLogContext()
            .WriteTo.Console(outputTemplate: "[{Timestamp:HH:mm:ss} {Level:u3}] {SourceContext}: {Message:lj}{NewLine}{Exception}"));
        return builder;
    }
}
