using System.Net;
using Palisade.Commands;

namespace Palisade.Tests;

public sealed class ServeSettingsTests
{
    [Fact]
    public async Task A_port_held_by_another_process_is_named_with_the_options_that_move_it()
    {
        using var holder = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        holder.Start();
        var taken = ((IPEndPoint)holder.LocalEndpoint).Port;
        var data = Directory.CreateTempSubdirectory("palisade-serve-").FullName;
        try
        {
            var (code, output) = await CliProcess.RunAsync(TimeSpan.FromSeconds(60), "serve", "--data", data, "--cwmp-port", "0", "--files-port", "0", "--api-port", taken.ToString(System.Globalization.CultureInfo.InvariantCulture));
            Assert.Equal(1, code);

            // The message, wrapped to the terminal's width, and no stack trace (the host's own log line is off).
            Assert.DoesNotContain(" at Microsoft.", output, StringComparison.Ordinal);
            var message = System.Text.RegularExpressions.Regex.Replace(output, @"\s+", " ");
            Assert.Contains($"palisade serve: Failed to bind to address https://127.0.0.1:{taken}: address already in use.", message, StringComparison.Ordinal);
            Assert.Contains("Another process holds that port", message, StringComparison.Ordinal);
            Assert.Contains($"--api-port (now {taken})", message, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }

    [Fact]
    public void The_command_line_overrides_the_environment_which_overrides_the_file()
    {
        var path = Path.GetTempFileName();
        try
        {
            File.WriteAllText(path, """
                { "data": "/from-file", "cwmpPort": 1000, "hostnames": ["acs.file"], // comments are fine
                  "maxSessionsInFlight": 5, "taskHistoryDays": 7 }
                """);
            var env = new Dictionary<string, string> { ["PALISADE_CWMP_PORT"] = "2000", ["PALISADE_LISTEN"] = "0.0.0.0, ::", ["PALISADE_TASK_HISTORY_DAYS"] = "90" };
            var settings = new ServeSettings()
                .Overlay(ServeSettings.FromFile(path))
                .Overlay(ServeSettings.FromEnvironment(k => env.GetValueOrDefault(k)))
                .Overlay(new ServeSettings { CwmpPort = 3000 });
            var options = settings.ToOptions();
            Assert.Equal("/from-file", options.DataDirectory);
            Assert.Equal(3000, options.CwmpPort);
            Assert.Equal([IPAddress.Any, IPAddress.IPv6Any], options.Listen);
            Assert.Equal(["acs.file"], options.EffectiveHostnames);
            Assert.Equal(5, options.Sessions.MaxSessionsInFlight);
            Assert.Equal(TimeSpan.FromDays(90), options.TaskHistory);
            Assert.Null(settings.Overlay(new ServeSettings { TaskHistoryDays = 0 }).ToOptions().TaskHistory);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void The_operations_options_come_from_the_file_and_the_environment_too()
    {
        var path = Path.GetTempFileName();
        try
        {
            File.WriteAllText(path, """{ "logFormat": "json", "drainTimeout": 5, "metricsWithoutKey": true }""");
            var file = new ServeSettings().Overlay(ServeSettings.FromFile(path));
            Assert.True(file.JsonLog);
            Assert.Equal(TimeSpan.FromSeconds(5), file.ToOptions().DrainTimeout);
            Assert.True(file.ToOptions().Api.MetricsWithoutKey);

            var env = new Dictionary<string, string> { ["PALISADE_LOG_FORMAT"] = "simple", ["PALISADE_DRAIN_TIMEOUT"] = "60", ["PALISADE_METRICS_WITHOUT_KEY"] = "false" };
            var both = file.Overlay(ServeSettings.FromEnvironment(k => env.GetValueOrDefault(k)));
            Assert.False(both.JsonLog);
            Assert.Equal(TimeSpan.FromSeconds(60), both.ToOptions().DrainTimeout);
            Assert.False(both.ToOptions().Api.MetricsWithoutKey);

            Assert.Throws<ArgumentException>(() => new ServeSettings { LogFormat = "xml" }.ToOptions());
            Assert.Throws<ArgumentException>(() => new ServeSettings { DrainTimeoutSeconds = 4000 }.ToOptions());
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Defaults_are_the_secure_ones()
    {
        var options = new ServeSettings().ToOptions();
        Assert.Equal([IPAddress.Loopback], options.Listen);
        Assert.Equal(7547, options.CwmpPort);
        Assert.False(options.InsecureHttp);
        Assert.Null(options.LegacyHttpPort);
        Assert.False(options.Authentication.AllowBasic);
        Assert.False(options.DisableEnrollment);
        Assert.Equal(["localhost", "127.0.0.1"], options.EffectiveHostnames);
        Assert.Equal(TimeSpan.FromDays(30), options.TaskHistory);
        Assert.False(options.Authentication.RequireSha256);
        Assert.True(ServeSettings.FromEnvironment(k => k == "PALISADE_DIGEST_SHA256_ONLY" ? "true" : null).ToOptions().Authentication.RequireSha256);
    }

    [Fact]
    public void Listening_widely_for_cpes_keeps_the_api_on_loopback_until_it_is_told()
    {
        var options = new ServeSettings { Listen = ["0.0.0.0"] }.ToOptions();
        Assert.Equal([IPAddress.Any], options.Listen);
        Assert.Equal([IPAddress.Loopback], options.Api.Listen);

        var told = new ServeSettings { Listen = ["0.0.0.0"] }
            .Overlay(ServeSettings.FromEnvironment(k => k == "PALISADE_API_LISTEN" ? "10.0.0.5, ::1" : null))
            .ToOptions();
        Assert.Equal([IPAddress.Parse("10.0.0.5"), IPAddress.IPv6Loopback], told.Api.Listen);
        Assert.Equal([IPAddress.Any], told.Listen);
    }

    [Fact]
    public void Limits_come_from_the_file_the_environment_and_the_command_line_by_name()
    {
        var path = Path.GetTempFileName();
        try
        {
            File.WriteAllText(path, """{ "limits": { "cwmp.maxBodyBytes": 8388608, "api.maxPageSize": 500 } }""");
            var settings = new ServeSettings()
                .Overlay(ServeSettings.FromFile(path))
                .Overlay(ServeSettings.FromEnvironment(k => k == "PALISADE_LIMITS" ? "api.maxPageSize=200, connectionRequest.timeoutSeconds=20" : null))
                .Overlay(new ServeSettings { Limits = ServeSettings.ParseLimits("--limit", ["api.maxPageSize=50"]) });
            var options = settings.ToOptions();
            Assert.Equal(8 * 1024 * 1024, options.Cwmp.Codec.MaxBodyBytes);
            Assert.Equal(50, options.Api.Limits.MaxPageSize);
            Assert.Equal(TimeSpan.FromSeconds(20), options.ConnectionRequests.Timeout);
            Assert.Throws<ArgumentException>(() => ServeSettings.ParseLimits("--limit", ["api.maxPageSize"]));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task Serve_help_and_the_security_doc_name_every_limit()
    {
        var (code, output) = await RunAsync("serve", "--help");
        Assert.Equal(0, code);
        var doc = File.ReadAllText(Path.Combine(PackageDeclarationTests.RepositoryRoot(), "docs", "security.md"));
        foreach (var setting in Palisade.Server.Listeners.LimitSettings.All)
        {
            Assert.Contains(setting.Name, output, StringComparison.Ordinal);
            Assert.Contains($"`{setting.Name}`", doc, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task First_start_writes_the_secrets_to_owner_only_files_and_prints_only_where_they_are()
    {
        var quiet = Directory.CreateTempSubdirectory("palisade-secrets-").FullName;
        var shown = Directory.CreateTempSubdirectory("palisade-secrets-").FullName;
        try
        {
            var output = await ServeUntilListeningAsync("--data", quiet, "--cwmp-port", "0", "--api-port", "0", "--files-port", "0");
            var adminFile = Path.Combine(quiet, "admin-password");
            var adminPassword = File.ReadAllText(adminFile).Trim().Split(':', 2)[1];
            var bootstrapPassword = File.ReadAllText(Path.Combine(quiet, "bootstrap-credential")).Trim().Split(':', 2)[1];
            Assert.DoesNotContain(adminPassword, output, StringComparison.Ordinal);
            Assert.DoesNotContain(bootstrapPassword, output, StringComparison.Ordinal);
            Assert.Contains(adminFile, output, StringComparison.Ordinal);
            if (!OperatingSystem.IsWindows())
            {
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(adminFile));
            }

            output = await ServeUntilListeningAsync("--data", shown, "--cwmp-port", "0", "--api-port", "0", "--files-port", "0", "--show-secrets-once");
            Assert.Contains(File.ReadAllText(Path.Combine(shown, "admin-password")).Trim(), output, StringComparison.Ordinal);
            Assert.Contains(File.ReadAllText(Path.Combine(shown, "bootstrap-credential")).Trim(), output, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(quiet, recursive: true);
            Directory.Delete(shown, recursive: true);
        }
    }

    [Theory]
    [InlineData("PALISADE_CWMP_PORT", "seventy")]
    [InlineData("PALISADE_INSECURE_HTTP", "perhaps")]
    public void Bad_environment_values_are_named_in_the_error(string name, string value)
    {
        var error = Assert.Throws<ArgumentException>(() => ServeSettings.FromEnvironment(k => k == name ? value : null));
        Assert.Contains(name, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Unknown_keys_in_the_settings_file_are_an_error_not_silently_ignored()
    {
        var path = Path.GetTempFileName();
        try
        {
            File.WriteAllText(path, """{ "insecureHtp": true }""");
            var error = Assert.Throws<InvalidDataException>(() => ServeSettings.FromFile(path));
            Assert.Contains("insecureHtp", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task Contradictory_options_exit_with_a_message_and_status_2()
    {
        var (code, output) = await RunAsync("serve", "--tls-cert", "/tmp/x.pem", "--cwmp-port", "0");
        Assert.Equal(2, code);
        Assert.Contains("--tls-cert and --tls-key go together", output, StringComparison.Ordinal);

        (code, output) = await RunAsync("serve", "--insecure-http", "--legacy-http-port", "8080", "--cwmp-port", "0");
        Assert.Equal(2, code);
        Assert.Contains("no TLS to move devices to", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Serve_help_explains_every_option()
    {
        var (code, output) = await RunAsync("serve", "--help");
        Assert.Equal(0, code);
        foreach (var option in new[] { "--data", "--listen", "--api-listen", "--cwmp-port", "--hostname", "--insecure-http", "--legacy-http-port", "--tls-cert", "--tls-key", "--client-ca", "--allow-basic", "--no-enrollment", "--limit", "--config" })
        {
            Assert.Contains(option, output, StringComparison.Ordinal);
        }
    }

    // Starts palisade serve, reads its output up to the plain "listening" line, and stops it.
    private static async Task<string> ServeUntilListeningAsync(params string[] args)
    {
        using var process = CliProcess.Start(["serve", .. args]);
        var output = new System.Text.StringBuilder();
        try
        {
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            while (await process.StandardOutput.ReadLineAsync(cts.Token) is { } line)
            {
                output.AppendLine(line);
                if (line.StartsWith("palisade: listening", StringComparison.Ordinal))
                {
                    break;
                }
            }
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }

        return output.ToString();
    }

    private static Task<(int ExitCode, string Output)> RunAsync(params string[] args) => CliProcess.RunAsync(TimeSpan.FromSeconds(60), args);
}
