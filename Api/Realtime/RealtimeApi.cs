using CreatiWall.Api.Errors;
using CreatiWall.Api.RateLimiting;

namespace CreatiWall.Api.Realtime;

public static class RealtimeApi
{
    /// <summary>The seed's <c>/api/websocket/*</c> routes: publish into the broker, manage connections, live status.</summary>
    public static WebApplication MapRealtime(this WebApplication app)
    {
        var group = app.MapGroup("/api/websocket")
            .WithTags("Realtime")
            .RequireCaller()
            .WithMetadata(
                Failure(StatusCodes.Status400BadRequest),
                Failure(StatusCodes.Status401Unauthorized),
                Failure(StatusCodes.Status403Forbidden),
                Failure(StatusCodes.Status413PayloadTooLarge),
                Failure(StatusCodes.Status429TooManyRequests));

        group.MapPost("/broadcast", BroadcastEndpoint.HandleAsync).WithSummary("Publish an envelope on a channel (default: the caller's tenant).");
        group.MapPost("/layout-update", LayoutUpdateEndpoint.HandleAsync).WithSummary("Store and push a layout to devices (retained).");
        group.MapPost("/content-sync", ContentSyncEndpoint.HandleAsync).WithSummary("Tell the tenant that content was created, updated or deleted.");
        group.MapPost("/connect", ConnectionEndpoints.ConnectAsync).WithSummary("What a client needs to connect over MQTT.");
        group.MapPost("/disconnect", ConnectionEndpoints.DisconnectAsync).WithSummary("End a live MQTT connection (MQTT 5: DISCONNECT 0x98).");
        group.MapGet("/status", StatusEndpoint.HandleAsync).WithSummary("Live connections, subscribers per channel, devices online and offline.");
        group.MapGet("/history", HistoryEndpoint.HandleAsync).WithSummary("Envelopes of a channel after a seq, to catch up after a disconnect.")
            .WithMetadata(Failure(StatusCodes.Status410Gone));
        return app;
    }

    static ProducesResponseTypeMetadata Failure(int status) => new(status, typeof(ApiError), ["application/json"]);
}
