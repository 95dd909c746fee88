using CreatiWall.Broker.Identity;
using CreatiWall.Broker.Messages;

namespace CreatiWall.Api.Auth;

public static class SenderExtensions
{
    /// <summary>The envelope's <c>sender</c>, from the caller's token only.</summary>
    public static Sender AsSender(this Principal caller) =>
        caller.Role == Role.Device ? new Sender(null, caller.Subject) : new Sender(caller.Subject, caller.ActingDevice);
}
