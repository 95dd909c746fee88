namespace CreatiWall.Broker.Mqtt;

/// <summary>
/// Whether the MQTT server has fully started. MQTTnet's <c>IsStarted</c> turns true before the retained messages are
/// loaded; a message published in that window would be overwritten by the load, so the server waits for this instead.
/// </summary>
internal sealed class BrokerLifecycle
{
    readonly TaskCompletionSource _started = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task Started => _started.Task;

    public bool IsStarted => _started.Task.IsCompleted;

    public void MarkStarted() => _started.TrySetResult();
}
