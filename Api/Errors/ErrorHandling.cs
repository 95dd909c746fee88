using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http.Json;

namespace CreatiWall.Api.Errors;

public static class ErrorHandling
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

            var (code, message) = response.StatusCode switch
            {
                StatusCodes.Status401Unauthorized => ("unauthorized", "a valid bearer token is required"),
                StatusCodes.Status403Forbidden => ("forbidden", "not allowed"),
                StatusCodes.Status404NotFound => ("not_found", "no such route"),
                StatusCodes.Status413PayloadTooLarge => ("payload_too_large", "the request body is larger than the configured limit"),
                StatusCodes.Status405MethodNotAllowed => ("method_not_allowed", "method not allowed on this route"),
                StatusCodes.Status415UnsupportedMediaType => ("unsupported_media_type", "send application/json"),
                StatusCodes.Status429TooManyRequests => ("rate_limited", "too many requests: slow down"),
                _ => ("error", "request failed"),
            };
            await response.WriteAsJsonAsync(new ApiError(false, new ApiErrorDetail(code, message)));
        });
        return app;
    }

    sealed class ApiExceptionHandler(ILogger<ApiExceptionHandler> logger) : IExceptionHandler
    {
        public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
        {
            var (status, code, message) = exception switch
            {
                BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge } =>
                    (StatusCodes.Status413PayloadTooLarge, "payload_too_large", "the request body is larger than the configured limit"),
                BadHttpRequestException { StatusCode: StatusCodes.Status415UnsupportedMediaType } =>
                    (StatusCodes.Status415UnsupportedMediaType, "unsupported_media_type", "send application/json"),
                BadHttpRequestException { InnerException: JsonException json } =>
                    (StatusCodes.Status400BadRequest, "invalid_json", Describe(json)),
                BadHttpRequestException bad => (bad.StatusCode, "invalid_request", bad.Message),
                _ => (StatusCodes.Status500InternalServerError, "internal_error", "the server failed to handle the request"),
            };
            if (status >= 500)
            {
                logger.LogError(exception, "Unhandled error on {Path}", context.Request.Path);
            }

            context.Response.StatusCode = status;
            await context.Response.WriteAsJsonAsync(new ApiError(false, new ApiErrorDetail(code, message)), cancellationToken);
            return true;
        }

        /// <summary>System.Text.Json's message names the path of the bad field (<c>$.layoutId</c>); keep that, drop positions.</summary>
        static string Describe(JsonException json)
        {
            var text = json.Message;
            var cut = text.IndexOf(" | LineNumber", StringComparison.Ordinal);
            return "invalid JSON: " + (cut > 0 ? text[..cut] : text);
        }
    }
}
