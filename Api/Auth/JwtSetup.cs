using CreatiWall.Broker.Identity;

namespace CreatiWall.Api.Auth;

public static class JwtSetup
{
    /// <summary>The environment variable that also sets <c>Jwt:Secret</c> (and wins over it).</summary>
    public const string SecretVariable = "JWT_SECRET";

    /// <summary><c>JWT_SECRET</c> into the configuration; the broker binds and validates the token options.</summary>
    public static WebApplicationBuilder AddJwt(this WebApplicationBuilder builder)
    {
        builder.Configuration.ApplyJwtSecretVariable();
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
