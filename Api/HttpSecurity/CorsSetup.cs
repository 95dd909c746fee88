using Microsoft.Extensions.Options;

namespace CreatiWall.Api.HttpSecurity;

public static class CorsSetup
{
    /// <summary>The REST API's CORS policy.</summary>
    public const string Policy = "api";

    /// <summary>
    /// <c>Api:CorsOrigins</c> may call <c>/api</c> from a browser, with any method and header (the bearer token in
    /// <c>Authorization</c>; no cookies, so no credentials mode). With none configured there is no policy to grant:
    /// cross-origin pages are refused by their browser, preflights included.
    /// </summary>
    public static WebApplicationBuilder AddCorsPolicy(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<ApiCorsOptions>().Bind(builder.Configuration.GetSection(ApiCorsOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddOptions<WebSocketOriginOptions>().Bind(builder.Configuration.GetSection(WebSocketOriginOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddCors();
        builder.Services.AddOptions<Microsoft.AspNetCore.Cors.Infrastructure.CorsOptions>()
            .Configure<IOptions<ApiCorsOptions>>((cors, api) => cors.AddPolicy(Policy, p => p
                .WithOrigins(api.Value.CorsOrigins)
                .AllowAnyMethod()
                .AllowAnyHeader()
                .SetPreflightMaxAge(TimeSpan.FromMinutes(10))));
        return builder;
    }
}
