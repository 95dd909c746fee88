namespace CreatiWall.DeviceAgent;

/// <summary>The agent's log events.</summary>
internal static partial class AgentLog
{
#pragma warning disable SYSLIB1012 // "error: …" is the agent's one-line error format, which operators' scripts look for

    [LoggerMessage(LogLevel.Error, "error: {Message}")]
    public static partial void Failed(this ILogger logger, string message);

    [LoggerMessage(LogLevel.Information, "{Device} connected to {Broker}")]
    public static partial void Connected(this ILogger logger, string device, BrokerUrl broker);

    [LoggerMessage(LogLevel.Warning, "{Device} disconnected from {Broker}: {Reason}")]
    public static partial void Disconnected(this ILogger logger, string device, BrokerUrl broker, MQTTnet.MqttClientDisconnectReason reason);

    [LoggerMessage(LogLevel.Error, "error: {Broker} refused device {Device}: {Code} ({Reason})")]
    public static partial void Refused(this ILogger logger, BrokerUrl broker, string device, MQTTnet.MqttClientConnectResultCode code, string? reason);

#pragma warning restore SYSLIB1012

    [LoggerMessage(LogLevel.Warning, "{Device} cannot reach {Broker}: {Error}")]
    public static partial void Unreachable(this ILogger logger, string device, BrokerUrl broker, string error);

    [LoggerMessage(LogLevel.Information, "{Device} reconnects in {Delay} ms")]
    public static partial void Reconnecting(this ILogger logger, string device, int delay);

    [LoggerMessage(LogLevel.Warning, "{Device} ignored a message on {Topic} that is not a JSON envelope")]
    public static partial void NotAnEnvelope(this ILogger logger, string device, string topic);

    [LoggerMessage(LogLevel.Information, "{Device} received {Type} on {Topic}")]
    public static partial void Received(this ILogger logger, string device, string type, string topic);

    [LoggerMessage(LogLevel.Information, "{Device} ignored stale layout {LayoutId} (seq {Seq} < applied {Applied})")]
    public static partial void StaleLayout(this ILogger logger, string device, string? layoutId, long seq, long applied);

    [LoggerMessage(LogLevel.Information, "{Device} applied layout {LayoutId} (seq {Seq})")]
    public static partial void Applied(this ILogger logger, string device, string? layoutId, long seq);

    [LoggerMessage(LogLevel.Warning, "{Device} failed to apply layout {LayoutId} (seq {Seq}): {Error}")]
    public static partial void ApplyFailed(this ILogger logger, string device, string? layoutId, long seq, string error);

    [LoggerMessage(LogLevel.Information, "{Device} already failed to apply layout {LayoutId} (seq {Seq}): {Error}; it waits for a newer layout")]
    public static partial void AlreadyFailed(this ILogger logger, string device, string? layoutId, long seq, string error);

    [LoggerMessage(LogLevel.Warning, "{Device} hook for {Type} failed: {Error}")]
    public static partial void HookFailed(this ILogger logger, string device, string type, string error);

    [LoggerMessage(LogLevel.Information, "{Device} already applied layout {LayoutId} (seq {Seq})")]
    public static partial void AlreadyApplied(this ILogger logger, string device, string? layoutId, long seq);
}
