using System.Text.Json;

namespace CreatiWall.DeviceAgent;

/// <summary>
/// <c>--config FILE</c>: a JSON object whose keys are the flags' names without dashes (<c>{"broker": "mqtt://…",
/// "token-file": "/etc/creatiwall/token", "keepalive": 30}</c>); flags on the command line override it. A value is a
/// string or a number; <c>broker</c> may also be an array of URLs. Paths in it are as on the command line (relative to
/// the working directory).
/// </summary>
public static class AgentConfigFile
{
    /// <summary>Reads <paramref name="path"/> into flag values; null with <paramref name="error"/> (one line) when it cannot.</summary>
    public static Dictionary<string, string>? Read(string path, IReadOnlyCollection<string> flags, out string error)
    {
        error = "";
        JsonDocument json;
        try
        {
            json = JsonDocument.Parse(File.ReadAllBytes(path), new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            error = $"--config: cannot read '{path}': {e.Message}";
            return null;
        }
        catch (JsonException e)
        {
            error = $"--config: '{path}' is not valid JSON: {e.Message}";
            return null;
        }

        using (json)
        {
            if (json.RootElement.ValueKind != JsonValueKind.Object)
            {
                error = $"--config: '{path}' must hold a JSON object whose keys are the flags' names (e.g. {{\"broker\": \"mqtt://host:1883\"}})";
                return null;
            }

            var values = new Dictionary<string, string>();
            foreach (var property in json.RootElement.EnumerateObject())
            {
                if (!flags.Contains(property.Name) || property.Name == "config")
                {
                    error = $"--config: '{path}' has an unknown key '{property.Name}' (see --help)";
                    return null;
                }

                if (Text(property.Name, property.Value) is not { } text)
                {
                    error = $"--config: '{path}': \"{property.Name}\" must be a string or a number"
                        + (property.Name == "broker" ? ", or an array of URLs" : "");
                    return null;
                }

                values[property.Name] = text;
            }

            return values;
        }
    }

    static string? Text(string name, JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString(),
        JsonValueKind.Number => value.GetRawText(),
        JsonValueKind.Array when name == "broker" && value.EnumerateArray().All(u => u.ValueKind == JsonValueKind.String) =>
            string.Join(',', value.EnumerateArray().Select(u => u.GetString())),
        _ => null,
    };
}
