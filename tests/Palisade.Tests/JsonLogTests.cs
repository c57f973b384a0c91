using System.Security.Cryptography.X509Certificates;
using System.Text.Json;

namespace Palisade.Tests;

/// <summary><c>palisade serve</c> with the log as JSON (a config-file key here): what log shippers read.</summary>
public sealed class JsonLogTests : IDisposable
{
    private readonly string _data = Directory.CreateTempSubdirectory("palisade-jsonlog-").FullName;

    [Fact]
    public async Task Each_log_line_is_a_json_object_with_its_fields_and_no_secret()
    {
        var config = Path.Combine(_data, "serve.json");
        await File.WriteAllTextAsync(config, """{ "logFormat": "json" }""");
        var lines = new List<string>();
        using (var server = CliProcess.Start("serve", "--data", _data, "--config", config, "--cwmp-port", "0", "--api-port", "0", "--files-port", "0", "--stun-port", "-1"))
        {
            try
            {
                _ = server.StandardError.ReadToEndAsync();
                using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(90));
                string? cwmp = null;
                while (cwmp is null && await server.StandardOutput.ReadLineAsync(deadline.Token) is { } line)
                {
                    lines.Add(line);
                    cwmp = line.StartsWith("palisade: listening cwmp=", StringComparison.Ordinal) ? line["palisade: listening cwmp=".Length..].Split(' ')[0] : null;
                }

                Assert.NotNull(cwmp);

                // A request that is not an Inform: refused, and logged.
                using var ca = X509CertificateLoader.LoadCertificateFromFile(Path.Combine(_data, "pki", "ca.crt"));
                using var http = new HttpClient(new SocketsHttpHandler { SslOptions = Security.Pki.Certificates.ServerAuthentication([ca], false) });
                using (var refused = await http.PostAsync(new Uri(cwmp), new StringContent("<not-cwmp/>"), deadline.Token))
                {
                    Assert.Equal(System.Net.HttpStatusCode.BadRequest, refused.StatusCode);
                }

                while (!lines.Exists(l => l.Contains("\"Category\":\"Palisade.Cwmp\"", StringComparison.Ordinal)) && await server.StandardOutput.ReadLineAsync(deadline.Token) is { } more)
                {
                    lines.Add(more);
                }
            }
            finally
            {
                server.Kill(entireProcessTree: true);
                await server.WaitForExitAsync();
            }
        }

        var entries = lines.Where(l => l.StartsWith('{')).Select(l => JsonDocument.Parse(l)).ToList();
        Assert.NotEmpty(entries);
        Assert.All(entries, e =>
        {
            Assert.Equal(JsonValueKind.Object, e.RootElement.ValueKind);
            foreach (var field in new[] { "Timestamp", "EventId", "LogLevel", "Category", "Message" })
            {
                Assert.True(e.RootElement.TryGetProperty(field, out _), $"{field} missing in {e.RootElement}");
            }
        });
        Assert.Contains(entries, e => e.RootElement.GetProperty("Category").GetString() == "Palisade.Cwmp" && e.RootElement.GetProperty("Message").GetString()!.Contains("400", StringComparison.Ordinal));

        // The secrets the first start made are in their files, never in the log.
        var bootstrap = (await File.ReadAllTextAsync(Path.Combine(_data, "bootstrap-credential"))).Trim();
        var admin = (await File.ReadAllTextAsync(Path.Combine(_data, "admin-password"))).Trim();
        var all = string.Join('\n', lines);
        Assert.DoesNotContain(bootstrap[(bootstrap.IndexOf(':', StringComparison.Ordinal) + 1)..], all, StringComparison.Ordinal);
        Assert.DoesNotContain(admin, all, StringComparison.Ordinal);
        foreach (var entry in entries)
        {
            entry.Dispose();
        }
    }

    public void Dispose() => Directory.Delete(_data, recursive: true);
}
