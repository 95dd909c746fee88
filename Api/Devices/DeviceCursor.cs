using System.Buffers.Text;
using System.Text;
using CreatiWall.Broker.Storage;

namespace CreatiWall.Api.Devices;

/// <summary>
/// The <c>cursor</c> of <c>GET /api/devices</c>: opaque to clients; the key of the last device of the page before (its
/// tenant and id, base64url), so a page starts right after it whatever was added or removed meanwhile.
/// </summary>
public static class DeviceCursor
{
    public static string Encode(DeviceKey key) => Base64Url.EncodeToString(Encoding.UTF8.GetBytes($"{key.Tenant}\n{key.DeviceId}"));

    public static DeviceKey? Decode(string cursor)
    {
        if (cursor.Length > 400)
        {
            return null;
        }

        try
        {
            var parts = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(cursor)).Split('\n');
            return parts.Length == 2 && Ids.IsValid(parts[0]) && Ids.IsValid(parts[1]) ? new DeviceKey(parts[0], parts[1]) : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
