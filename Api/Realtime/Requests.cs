using System.Text.Json.Nodes;

namespace CreatiWall.Api.Realtime;

public sealed record BroadcastRequest(string Type, JsonObject Data, string? Channel = null, string? Target = null);

public sealed record BroadcastResponse(string MessageId, string Topic, long Seq);

public sealed record LayoutUpdateRequest(string LayoutId, string[]? DeviceIds = null, JsonObject? LayoutData = null);

public sealed record LayoutUpdateResponse(string MessageId, IReadOnlyList<string> Devices);

public sealed record ContentSyncRequest(string ContentType, string ContentId, string Action, JsonObject? Data = null);

public sealed record ConnectRequest(string? DeviceId = null, string[]? Channels = null);

public sealed record MqttEndpoints(string WebSocketUrl, string TcpHost, int? TcpPort, string Username, IReadOnlyList<string> Topics);

public sealed record ConnectResponse(string ConnectionId, IReadOnlyList<string> Channels, MqttEndpoints Mqtt);

public sealed record DisconnectRequest(string ConnectionId, string? DeviceId = null);

public sealed record DisconnectResponse(string ConnectionId, bool Disconnected);

public sealed record ChannelCount(string Channel, int Subscribers);

public sealed record DeviceCounts(int Online, int Offline);

public sealed record ConnectedUser(string UserId, int Connections);

public sealed record StatusResponse(int TotalConnections, IReadOnlyList<ChannelCount> Channels, DeviceCounts Devices, IReadOnlyList<ConnectedUser> Users);
