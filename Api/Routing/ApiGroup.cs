using CreatiWall.Api.Errors;
using CreatiWall.Api.HttpSecurity;
using CreatiWall.Api.RateLimiting;

namespace CreatiWall.Api.Routing;

public static class ApiGroup
{
    /// <summary>
    /// <c>/api</c>: every route below needs a valid bearer token and stays within the rate limit, and fails in the error
    /// shape (listed in the OpenAPI document), and answers browsers of <c>Api:CorsOrigins</c> only (<see cref="CorsSetup"/>).
    /// The features add their routes to it (<c>api.MapBroadcasts()</c>, …).
    /// </summary>
    public static RouteGroupBuilder MapApi(this WebApplication app) =>
        app.MapGroup("/api")
            .RequireCors(CorsSetup.Policy)
            .RequireCaller()
            .WithMetadata(
                Failure(StatusCodes.Status400BadRequest),
                Failure(StatusCodes.Status401Unauthorized),
                Failure(StatusCodes.Status403Forbidden),
                Failure(StatusCodes.Status413PayloadTooLarge),
                Failure(StatusCodes.Status429TooManyRequests));

    /// <summary>A failure status answered with <see cref="ApiError"/>.</summary>
    public static ProducesResponseTypeMetadata Failure(int status) => new(status, typeof(ApiError), ["application/json"]);
}
