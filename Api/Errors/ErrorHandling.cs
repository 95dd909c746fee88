using System.Text.Json;
using CreatiWall.Broker.Storage;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http.Json;

namespace CreatiWall.Api.Errors;

public static partial class ErrorHandling
{
    /// <summary>
    /// Every failure in the seed's error shape: unreadable or oversized bodies (thrown by model binding), unknown routes,
    /// unexpected exceptions. JSON binding honours nullability and <c>required</c>, so a missing field names itself.
    /// </summary>
    public static WebApplicationBuilder AddErrorHandling(this WebApplicationBuilder builder)
    {
        builder.Services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        builder.Services.Configure<JsonOptions>(o =>
        {
            o.SerializerOptions.RespectNullableAnnotations = true;
            o.SerializerOptions.RespectRequiredConstructorParameters = true;
        });
        builder.Services.AddExceptionHandler<ApiExceptionHandler>();
        builder.Services.AddProblemDetails();
        return builder;
    }

    /// <summary>
    /// Checks every option marked <c>ValidateOnStart</c> now, before any service is built: a bad setting then stops the
    /// host with the one-line error of Program.cs instead of failing inside the start of a service that needs it.
    /// </summary>
    public static WebApplication ValidateSettings(this WebApplication app)
    {
        app.Services.GetService<Microsoft.Extensions.Options.IStartupValidator>()?.Validate();
        return app;
    }

    public static WebApplication UseErrorHandling(this WebApplication app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages(async context =>
        {
            var response = context.HttpContext.Response;
            if (response.HasStarted || response.ContentLength > 0 || response.ContentType is not null)
            {
                return;
            }

            var (_, code, message) = Describe(response.StatusCode);
            await response.WriteAsJsonAsync(new ApiError(false, new ApiErrorDetail(code, message)));
        });
        return app;
    }

    /// <summary>The error code and message of a status the framework sets by itself (no body of ours yet).</summary>
    static (int Status, string Code, string Message) Describe(int status) => status switch
    {
        StatusCodes.Status401Unauthorized => (status, "unauthorized", "a valid bearer token is required"),
        StatusCodes.Status403Forbidden => (status, "forbidden", "not allowed"),
        StatusCodes.Status404NotFound => (status, "not_found", "no such route"),
        StatusCodes.Status405MethodNotAllowed => (status, "method_not_allowed", "method not allowed on this route"),
        StatusCodes.Status413PayloadTooLarge => (status, "payload_too_large", "the request body is larger than the configured limit"),
        StatusCodes.Status415UnsupportedMediaType => (status, "unsupported_media_type", "send application/json"),
        StatusCodes.Status429TooManyRequests => (status, "rate_limited", "too many requests: slow down"),
        _ => (status, "error", "request failed"),
    };

    sealed partial class ApiExceptionHandler(ILogger<ApiExceptionHandler> logger) : IExceptionHandler
    {
        public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
        {
            var (status, code, message) = exception switch
            {
                BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge or StatusCodes.Status415UnsupportedMediaType } bad =>
                    ErrorHandling.Describe(bad.StatusCode),
                BadHttpRequestException { InnerException: JsonException json } =>
                    (StatusCodes.Status400BadRequest, "invalid_json", Describe(json)),
                BadHttpRequestException bad => (bad.StatusCode, "invalid_request", bad.Message),
                _ when Unavailable(exception) is not null =>
                    (StatusCodes.Status503ServiceUnavailable, "unavailable", "the store is unavailable: try again shortly"),
                _ => (StatusCodes.Status500InternalServerError, "internal_error", "the server failed to handle the request"),
            };
            if (status == StatusCodes.Status503ServiceUnavailable)
            {
                LogUnavailable(context.Request.Path, Unavailable(exception)!.Message);
            }
            else if (status >= 500)
            {
                LogUnhandled(exception, context.Request.Path);
            }

            context.Response.StatusCode = status;
            await context.Response.WriteAsJsonAsync(new ApiError(false, new ApiErrorDetail(code, message)), cancellationToken);
            return true;
        }

        [LoggerMessage(LogLevel.Error, "Unhandled error on {Path}")]
        partial void LogUnhandled(Exception error, PathString path);

        [LoggerMessage(LogLevel.Warning, "Store unavailable on {Path}: {Reason}")]
        partial void LogUnavailable(PathString path, string reason);

        /// <summary>The store's "cannot reach it now" (cluster mode: Redis down), also when wrapped by whoever called the store.</summary>
        static StoreUnavailableException? Unavailable(Exception? error) => error switch
        {
            null => null,
            StoreUnavailableException unavailable => unavailable,
            AggregateException many => many.InnerExceptions.Select(Unavailable).FirstOrDefault(u => u is not null),
            _ => Unavailable(error.InnerException),
        };

        /// <summary>System.Text.Json's message names the path of the bad field (<c>$.layoutId</c>); keep that, drop positions.</summary>
        static string Describe(JsonException json)
        {
            var text = json.Message;
            var cut = text.IndexOf(" | LineNumber", StringComparison.Ordinal);
            return "invalid JSON: " + (cut > 0 ? text[..cut] : text);
        }
    }
}
