using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CreatiWall.Api.Errors;

/// <summary>The seed's success shape: <c>{"success": true, "data": {...}}</c>.</summary>
public sealed record ApiResponse<T>(
    [property: JsonPropertyName("success")] bool Success,
    [property: JsonPropertyName("data")] T Data);

public sealed record ApiErrorDetail(
    [property: JsonPropertyName("code")] string Code,
    [property: JsonPropertyName("message")] string Message);

/// <summary>The seed's failure shape: <c>{"success": false, "error": {"code": "...", "message": "..."}}</c>.</summary>
public sealed record ApiError(
    [property: JsonPropertyName("success")] bool Success,
    [property: JsonPropertyName("error")] ApiErrorDetail Error);

public static class Reply
{
    public static Ok<ApiResponse<T>> Ok<T>(T data) => TypedResults.Ok(new ApiResponse<T>(true, data));

    public static JsonHttpResult<ApiError> Error(int status, string code, string message) =>
        TypedResults.Json(new ApiError(false, new ApiErrorDetail(code, message)), statusCode: status);

    /// <summary>400 naming the field that is wrong.</summary>
    public static JsonHttpResult<ApiError> BadRequest(string field, string problem) =>
        Error(StatusCodes.Status400BadRequest, "invalid_request", $"{field}: {problem}");

    public static JsonHttpResult<ApiError> Forbidden(string message) =>
        Error(StatusCodes.Status403Forbidden, "forbidden", message);

    public static JsonHttpResult<ApiError> NotFound(string message) =>
        Error(StatusCodes.Status404NotFound, "not_found", message);
}
