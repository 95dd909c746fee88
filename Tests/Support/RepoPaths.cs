namespace CreatiWall.Tests.Support;

public static class RepoPaths
{
    /// <summary>The checkout's root: the folder holding CreatiWall.Mqtt.sln.</summary>
    public static string Root { get; } = FindRoot();

    /// <summary>Debug or Release, whichever these tests were built as.</summary>
    public static string Configuration { get; } =
        new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Parent!.Name;

    /// <summary>The Api host's build output, built with the tests (project reference).</summary>
    public static string ApiDll => Path.Combine(Root, "Api", "bin", Configuration, "net10.0", "CreatiWall.Api.dll");

    /// <summary>The DeviceAgent's build output.</summary>
    public static string AgentDll => Path.Combine(Root, "DeviceAgent", "bin", Configuration, "net10.0", "CreatiWall.DeviceAgent.dll");

    static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "CreatiWall.Mqtt.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("CreatiWall.Mqtt.sln not found above " + AppContext.BaseDirectory);
    }
}
