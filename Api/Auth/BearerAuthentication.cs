using System.Security.Claims;
using CreatiWall.Api.Errors;
using CreatiWall.Broker.Identity;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace CreatiWall.Api.Auth;

/// <summary>
/// REST callers present the same JWT as MQTT clients; ASP.NET Core's JwtBearer hands it to the broker's
/// <see cref="TokenValidator"/>, so both doors apply exactly the same rules.
/// </summary>
public static class BearerAuthentication
{
    public static WebApplicationBuilder AddBearerAuthentication(this WebApplicationBuilder builder)
    {
        builder.Services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer();
        builder.Services.AddOptions<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme)
            .Configure<TokenValidator>((options, validator) =>
            {
                options.MapInboundClaims = false;
                options.TokenHandlers.Clear();
                options.TokenHandlers.Add(new BrokerTokenHandler(validator));
                options.Events = new JwtBearerEvents
                {
                    OnChallenge = async context =>
                    {
                        context.HandleResponse();
                        context.Response.StatusCode = StatusCodes.Status401Unauthorized;
                        context.Response.Headers.WWWAuthenticate = "Bearer";
                        var message = context.AuthenticateFailure?.Message ?? "a bearer token is required";
                        await context.Response.WriteAsJsonAsync(new ApiError(false, new ApiErrorDetail("unauthorized", message)));
                    },
                };
            });
        builder.Services.AddAuthorization();
        builder.Services.AddScoped<CurrentCaller>();
        builder.Services.AddScoped<IClaimsTransformation, CurrentCaller.FromToken>();
        return builder;
    }

    /// <summary>The validated caller of this request (set once it is authenticated).</summary>
    public static CurrentCaller Caller(this HttpContext context) => context.RequestServices.GetRequiredService<CurrentCaller>();

    sealed class BrokerTokenHandler(TokenValidator validator) : TokenHandler
    {

        public override async Task<TokenValidationResult> ValidateTokenAsync(string token, TokenValidationParameters validationParameters)
        {
            var result = await validator.ValidateAsync(token);
            if (result.Principal is not { } principal)
            {
                return new TokenValidationResult { IsValid = false, Exception = new SecurityTokenValidationException(result.Describe()) };
            }

            var claims = new List<Claim>
            {
                new("sub", principal.Subject),
                new("tenant", principal.Tenant),
                new("role", principal.Role.ToClaim()),
            };
            var identity = new ClaimsIdentity(claims, JwtBearerDefaults.AuthenticationScheme, "sub", "role")
            {
                BootstrapContext = principal, // the broker's own view of the caller, for CurrentCaller
            };
            return new TokenValidationResult { IsValid = true, ClaimsIdentity = identity, SecurityToken = new JsonWebToken(token) };
        }
    }
}
