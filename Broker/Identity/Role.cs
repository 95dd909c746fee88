namespace CreatiWall.Broker.Identity;

public enum Role
{
    User,
    Admin,
    Device,
    Ops,
}

public static class Roles
{
    public static bool TryParse(string? value, out Role role)
    {
        switch (value)
        {
            case null or "" or "user": role = Role.User; return true;
            case "admin": role = Role.Admin; return true;
            case "device": role = Role.Device; return true;
            case "ops": role = Role.Ops; return true;
            default: role = Role.User; return false;
        }
    }

    public static string ToClaim(this Role role) => role switch
    {
        Role.Admin => "admin",
        Role.Device => "device",
        Role.Ops => "ops",
        _ => "user",
    };
}
