using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace CreatiWall.Tests.Support;

/// <summary>REST calls to the test host with a bearer token, answers parsed as JSON.</summary>
public static class Rest
{
    public sealed record Reply(HttpStatusCode Status, JsonElement Body)
    {
        public JsonElement Data => Body.GetProperty("data");

        public string ErrorMessage => Body.GetProperty("error").GetProperty("message").GetString()!;

        public string ErrorCode => Body.GetProperty("error").GetProperty("code").GetString()!;
    }

    public static Task<Reply> PostAsync(this BrokerHost host, string path, string? token, object body) =>
        host.SendAsync(HttpMethod.Post, path, token, JsonContent.Create(body));

    public static Task<Reply> PutAsync(this BrokerHost host, string path, string? token, object body) =>
        host.SendAsync(HttpMethod.Put, path, token, JsonContent.Create(body));

    public static Task<Reply> PutRawAsync(this BrokerHost host, string path, string? token, string json) =>
        host.SendAsync(HttpMethod.Put, path, token, new StringContent(json, Encoding.UTF8, "application/json"));

    /// <summary>Posts <paramref name="json"/> as it is; with <paramref name="expectContinue"/> the body waits for 100 Continue, as curl's does.</summary>
    public static Task<Reply> PostRawAsync(this BrokerHost host, string path, string? token, string json, bool expectContinue = false) =>
        host.SendAsync(HttpMethod.Post, path, token, new StringContent(json, Encoding.UTF8, "application/json"), expectContinue);

    /// <summary>A GET whose answer is not JSON (Prometheus text), with its status.</summary>
    public static async Task<(HttpStatusCode Status, string Text)> GetTextAsync(this BrokerHost host, string path, string? token, string? baseUrl = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, baseUrl is null ? new Uri(path, UriKind.Relative) : new Uri(new Uri(baseUrl), path));
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        using var response = await host.Http.SendAsync(request);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    public static Task<Reply> GetAsync(this BrokerHost host, string path, string? token) =>
        host.SendAsync(HttpMethod.Get, path, token, null);

    static async Task<Reply> SendAsync(this BrokerHost host, HttpMethod method, string path, string? token, HttpContent? content, bool expectContinue = false)
    {
        using var request = new HttpRequestMessage(method, path) { Content = content };
        request.Headers.ExpectContinue = expectContinue;
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        using var response = await host.Http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        var body = text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
        return new Reply(response.StatusCode, body);
    }
}
