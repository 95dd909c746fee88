using System.Text.Json;

namespace CreatiWall.DeviceAgent;

/// <summary>What to acknowledge for a layout: its ids and the outcome (null error: applied).</summary>
public sealed record LayoutAnswer(string? MessageId, string? LayoutId, string? Error);

/// <summary>
/// Applies a screen's layouts: only one newer than the newest tried; a repeat of that one (the retained copy after every
/// reconnect or restart) is answered with its recorded outcome, applied or failed, and never tried again. A failed
/// layout is tried again only when a newer one comes.
/// </summary>
public sealed class LayoutApplier(string device, string stateDir, RendererHook hook, ILogger logger)
{
    readonly LayoutFile _layout = new(stateDir);
    readonly LayoutOutcomeFile _outcome = new(stateDir);

    /// <summary>The answer to acknowledge, or null for a stale layout (older than the newest tried), which is ignored.</summary>
    public async Task<LayoutAnswer?> HandleAsync(JsonElement envelope, byte[] payload)
    {
        var seq = envelope.TryGetProperty("seq", out var s) && s.TryGetInt64(out var value) ? value : 0;
        var messageId = envelope.TryGetProperty("id", out var id) ? id.GetString() : null;
        var data = envelope.TryGetProperty("data", out var d) ? d : default;
        var layoutId = data.ValueKind == JsonValueKind.Object && data.TryGetProperty("layoutId", out var l) ? l.GetString() : null;

        // An agent before layout-outcome.json kept only the applied layout: its seq counts as applied.
        var known = _outcome.Last is { } last && last.Seq >= _layout.Seq
            ? last
            : new LayoutOutcome(_layout.Seq, null, null, LayoutAckStatus.Applied, null);
        if (seq < known.Seq)
        {
            logger.StaleLayout(device, layoutId, seq, known.Seq);
            return null;
        }

        if (seq == known.Seq && known.IsFinal)
        {
            // Acknowledged again: idempotent, and it repairs an ack lost when the agent or the broker stopped right after.
            if (known.Error is null)
            {
                logger.AlreadyApplied(device, layoutId, seq);
            }
            else
            {
                logger.AlreadyFailed(device, layoutId, seq, known.Error);
            }

            return new LayoutAnswer(messageId, layoutId, known.Error);
        }

        return await ApplyAsync(seq, messageId, layoutId, payload);
    }

    /// <summary>
    /// Records the attempt before the hook runs, so a crash during it leaves <c>applying</c> (tried again on the next
    /// copy), never a false <c>applied</c>; then the outcome, which later copies of this seq are answered with.
    /// </summary>
    async Task<LayoutAnswer> ApplyAsync(long seq, string? messageId, string? layoutId, byte[] payload)
    {
        _outcome.Record(new LayoutOutcome(seq, messageId, layoutId, LayoutOutcome.Applying, null));
        _layout.Write(payload, seq);
        var error = await hook.RunAsync(MessageTypes.LayoutUpdate, _layout.Path);
        if (error is null)
        {
            _layout.Commit();
        }
        else
        {
            _layout.RestorePrevious();
        }

        _outcome.Record(new LayoutOutcome(seq, messageId, layoutId, error is null ? LayoutAckStatus.Applied : LayoutAckStatus.Failed, error));

        // Logged once the outcome is on file, so what the log says survives a crash right after it.
        if (error is null)
        {
            logger.Applied(device, layoutId, seq);
        }
        else
        {
            logger.ApplyFailed(device, layoutId, seq, error);
        }

        return new LayoutAnswer(messageId, layoutId, error);
    }
}
