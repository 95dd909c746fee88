using CreatiWall.Tests.Support;

namespace CreatiWall.Tests.Cli;

/// <summary><c>checkconfig</c>: unknown keys (with the key probably meant) and the values the host would refuse.</summary>
public sealed class CheckConfigTests
{
    [Fact]
    public async Task A_clean_configuration_is_OK_whatever_else_the_environment_holds()
    {
        var result = await ApiCommand.RunAsync(["checkconfig"], new Dictionary<string, string?>
        {
            ["SOME_TOOL_HOME"] = "/opt/tool",
            ["Unrelated__Nested"] = "1",
            ["Storage__HistoryMaxMessages"] = "500",
            ["Serilog__MinimumLevel__Default"] = "Warning",
        });

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(["configuration OK (environment Production)"], result.Lines);
    }

    [Fact]
    public async Task A_misspelt_key_is_named_with_the_key_it_was_meant_to_be()
    {
        var result = await ApiCommand.RunAsync(["checkconfig"], new Dictionary<string, string?> { ["Mqtt__TcpPrt"] = "1884" });

        Assert.Equal(1, result.ExitCode);
        Assert.Equal(["Mqtt:TcpPrt: unknown key (did you mean Mqtt:TcpPort?) [environment]", "1 configuration problem (environment Production)"], result.Lines);
    }

    [Fact]
    public async Task A_value_out_of_range_is_refused_as_the_host_would_refuse_it()
    {
        var result = await ApiCommand.RunAsync(["checkconfig"], new Dictionary<string, string?> { ["Mqtt__TcpPort"] = "70000" });

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("Mqtt:TcpPort: invalid value '70000': The field TcpPort must be between 0 and 65535.", result.Lines);
    }

    [Fact]
    public async Task Every_problem_is_reported_at_once()
    {
        var result = await ApiCommand.RunAsync(["--Mqtt:WebSocketPath=mqtt", "checkconfig"], new Dictionary<string, string?>
        {
            ["Mqtt__TcpPort"] = "abc",
            ["RateLimit__PermitLimt"] = "5",
            ["Storage__HistoryMaxMessages"] = "0",
            ["Jwt__ClockSkewSeconds"] = "5000",
        });

        Assert.Equal(1, result.ExitCode);
        Assert.Superset(
            new HashSet<string>
            {
                "RateLimit:PermitLimt: unknown key (did you mean RateLimit:PermitLimit?) [environment]",
                "Mqtt:TcpPort: invalid value 'abc': not a whole number",
                "Storage:HistoryMaxMessages: invalid value '0': Storage:HistoryMaxMessages must be between 1 and 1000000.",
                "Jwt:ClockSkewSeconds: invalid value '5000': Jwt:ClockSkewSeconds must be between 0 and 3600.",
                "4 configuration problems (environment Production)",
            },
            result.Lines.ToHashSet());
    }

    [Theory]
    [InlineData("too-short", "Jwt:Secret: invalid: JWT_SECRET (Jwt:Secret) is 9 bytes: it must be at least 32 bytes.")]
    [InlineData("", "Jwt:Secret: invalid: JWT_SECRET (Jwt:Secret) is not set: set it to a random secret of at least 32 bytes (or set Jwt:Authority).")]
    public async Task Outside_development_a_short_or_missing_secret_is_refused_without_printing_it(string secret, string expected)
    {
        var result = await ApiCommand.RunAsync(["checkconfig"], new Dictionary<string, string?> { ["JWT_SECRET"] = secret });

        Assert.Equal(1, result.ExitCode);
        Assert.Contains(expected, result.Lines);
        Assert.DoesNotContain("'too-short'", result.Output);
    }

    [Fact]
    public async Task In_development_the_built_in_secret_is_enough()
    {
        var result = await ApiCommand.RunAsync(["checkconfig"], new Dictionary<string, string?> { ["ASPNETCORE_ENVIRONMENT"] = "Development", ["JWT_SECRET"] = null });

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("configuration OK (environment Development)", result.Lines);
    }

    [Fact]
    public async Task A_node_timeout_shorter_than_three_heartbeats_is_refused()
    {
        var result = await ApiCommand.RunAsync(["checkconfig"], new Dictionary<string, string?>
        {
            ["Redis__ConnectionString"] = "127.0.0.1:6379",
            ["Cluster__HeartbeatSeconds"] = "5",
            ["Cluster__NodeTimeoutSeconds"] = "10",
        });

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("at least 3 × Cluster:HeartbeatSeconds", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Keys_of_the_cluster_and_of_key_rotation_are_known()
    {
        // TLS keys are checked with real files in TlsTests (a certificate that does not load is refused).
        var result = await ApiCommand.RunAsync(["checkconfig"], new Dictionary<string, string?>
        {
            ["Redis__ConnectionString"] = "127.0.0.1:6379",
            ["Cluster__NodeId"] = "node-1",
            ["Cluster__HeartbeatSeconds"] = "1",
            ["Jwt__Keys__0__kid"] = "2026",
            ["Jwt__Keys__0__secret"] = "another-secret-0123456789abcdef-0123456789",
        });

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(["configuration OK (environment Production)"], result.Lines);
    }

    [Fact]
    public async Task Unknown_sections_and_keys_of_an_appsettings_file_are_named()
    {
        var root = Directory.CreateTempSubdirectory("cw-config-").FullName;
        try
        {
            await File.WriteAllTextAsync(Path.Combine(root, "appsettings.json"), """
                {
                  "AllowedHosts": "*",
                  "Serilog": { "MinimumLevel": { "Default": "Information" } },
                  "Mqt": { "TcpPort": 1884 },
                  "Storage": { "ConectionString": "Data Source=x.db" },
                  "Jwt": { "Keys": [ { "kid": "a", "secret": "a-long-enough-secret-0123456789-abcdef", "algorithm": "HS256" } ] }
                }
                """);

            var result = await ApiCommand.RunAsync(["--contentRoot", root, "checkconfig"]);

            Assert.Equal(1, result.ExitCode);
            Assert.Equal(
                [
                    "Jwt:Keys:0:algorithm: unknown key [appsettings.json]",
                    "Mqt: unknown section (did you mean Mqtt?) [appsettings.json]",
                    "Storage:ConectionString: unknown key (did you mean Storage:ConnectionString?) [appsettings.json]",
                    "3 configuration problems (environment Production)",
                ],
                result.Lines);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }
}
