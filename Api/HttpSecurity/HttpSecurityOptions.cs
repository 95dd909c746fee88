using System.ComponentModel.DataAnnotations;
using System.Text.RegularExpressions;

namespace CreatiWall.Api.HttpSecurity;

/// <summary>Configuration section <c>Api</c>: the browser origins allowed to call the REST API.</summary>
public sealed class ApiCorsOptions : IValidatableObject
{
    public const string Section = "Api";

    /// <summary>
    /// Origins (<c>https://cms.example.com</c>) whose pages may call <c>/api</c> from a browser. None by default: a page of any
    /// other origin is refused by the browser (no <c>Access-Control-Allow-Origin</c>). Same-origin pages (the dashboard) and
    /// clients that are not browsers are not concerned.
    /// </summary>
    public string[] CorsOrigins { get; set; } = [];

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext) =>
        Origins.Invalid(CorsOrigins, "Api:CorsOrigins", nameof(CorsOrigins));
}

/// <summary>Configuration section <c>Mqtt</c>, the host's part: which pages may open MQTT over WebSocket.</summary>
public sealed class WebSocketOriginOptions : IValidatableObject
{
    public const string Section = "Mqtt";

    /// <summary>
    /// When set, a WebSocket upgrade on the MQTT path whose <c>Origin</c> header is not one of these gets 403: a page of
    /// another site cannot open MQTT connections from its visitors' browsers. Clients that send no <c>Origin</c> (the
    /// agent, MQTT libraries outside browsers) are not concerned. Unset: any origin (the token is what counts).
    /// </summary>
    public string[] AllowedOrigins { get; set; } = [];

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext) =>
        Origins.Invalid(AllowedOrigins, "Mqtt:AllowedOrigins", nameof(AllowedOrigins));
}

/// <summary>Browser origins as configured: <c>scheme://host[:port]</c>, nothing after.</summary>
public static partial class Origins
{
    [GeneratedRegex("^https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?$")]
    private static partial Regex Shape();

    public static IEnumerable<ValidationResult> Invalid(string[] origins, string key, string member) => origins
        .Where(o => !Shape().IsMatch(o))
        .Select(o => new ValidationResult($"{key} must list origins such as https://cms.example.com (scheme, host, optional port, no path): '{o}'", [member]));

    /// <summary>Whether <paramref name="origin"/> is one of <paramref name="allowed"/> (scheme and host compared without case).</summary>
    public static bool Contains(string[] allowed, string origin) => allowed.Contains(origin.TrimEnd('/'), StringComparer.OrdinalIgnoreCase);
}
