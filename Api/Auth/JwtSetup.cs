using Microsoft.Extensions.Options;
using CreatiWall.Broker.Identity;

namespace CreatiWall.Api.Auth;

public static class JwtSetup
{
    /// <summary>The environment variable that also sets <c>Jwt:Secret</c> (and wins over it).</summary>
    public const string SecretVariable = "JWT_SECRET";

    /// <summary>Token options (validated at start-up), the validator and the dev token issuer.</summary>
    public static WebApplicationBuilder AddJwt(this WebApplicationBuilder builder)
    {
        builder.Configuration.ApplyJwtSecretVariable();
        builder.Services.AddOptions<JwtOptions>()
            .Bind(builder.Configuration.GetSection(JwtOptions.Section))
            .ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<JwtOptions>, JwtOptionsValidator>();
        builder.Services.AddSingleton<TokenValidator>();
        builder.Services.AddSingleton<TokenIssuer>();
        return builder;
    }

    public static void ApplyJwtSecretVariable(this ConfigurationManager configuration)
    {
        if (Environment.GetEnvironmentVariable(SecretVariable) is { Length: > 0 } secret)
        {
            configuration[$"{JwtOptions.Section}:{nameof(JwtOptions.Secret)}"] = secret;
        }
    }
}
