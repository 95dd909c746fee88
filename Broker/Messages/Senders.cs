using CreatiWall.Broker.Identity;

namespace CreatiWall.Broker.Messages;

public static class Senders
{
    /// <summary>The envelope's <c>sender</c>, from the caller's token only.</summary>
    public static Sender AsSender(this Principal caller) =>
        caller.Role == Role.Device ? new Sender(null, caller.Subject) : new Sender(caller.Subject, caller.ActingDevice);
}
