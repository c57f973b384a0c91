using System.Diagnostics;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;
using Palisade.Cpe.Agent;
using Palisade.Cpe.Simulation;
using Palisade.Security.Signing;
using Spectre.Console;

namespace Palisade.Bench.Campaign;

/// <summary>
/// The campaign benchmark (docs/performance.md): a fresh <c>palisade serve</c> on 127.0.0.1, a simulated fleet that
/// registers and then informs every <c>--periodic</c> seconds, a small signed firmware file, and a campaign over the whole fleet
/// in stages of 1 %, 10 % and 100 % with short soaks. Devices start at their next inform (the campaign also sends connection requests). Reports
/// the time to completion, the file server's throughput and the server's CPU per download; with injected failures,
/// where it halted and how many devices outside the halted stage were touched (none, if it works).
/// </summary>
internal static class CampaignBenchmark
{
    public static async Task<int> RunAsync(int devices, int fileKiB, double soakSeconds, int concurrency, double failureShare, double haltPercent, int periodicSeconds, CancellationToken cancellationToken)
    {
        var data = Directory.CreateTempSubdirectory("palisade-bench-campaign-").FullName;
        var palisade = Path.Combine(AppContext.BaseDirectory, "palisade.dll");
        try
        {
            await using var server = await ServerProcess.StartAsync("palisade: listening cwmp=", palisade, "serve", "--data", data, "--cwmp-port", "0", "--api-port", "0", "--files-port", "0",
                "--stun-port", "-1", "--cpe-network", "127.0.0.0/8", "--max-sessions", "100000", "--log-level", "Warning").ConfigureAwait(false);
            AnsiConsole.MarkupLineInterpolated($"palisade serve (pid {server.Pid}) at {server.Url}");
            var api = server.Banner.Split(' ').Single(w => w.StartsWith("api=", StringComparison.Ordinal))["api=".Length..];
            using var http = Client(data);
            http.BaseAddress = new Uri(api.Replace("*", "localhost", StringComparison.Ordinal).TrimEnd('/') + "/");
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await MintKeyAsync(palisade, data, cancellationToken).ConfigureAwait(false));

            // A small firmware image: the figure is the campaign machinery's, not the disk's.
            var firmware = RandomNumberGenerator.GetBytes(fileKiB * 1024);
            using (var put = new ByteArrayContent(firmware))
            {
                using var request = new HttpRequestMessage(HttpMethod.Put, "api/v1/files/bench-fw.bin") { Content = put };
                request.Headers.Add("fileType", "1 Firmware Upgrade Image");
                request.Headers.Add("version", "9.9.9");
                (await http.SendAsync(request, cancellationToken).ConfigureAwait(false)).EnsureSuccessStatusCode();
            }

            using var signing = SigningKeyFile.LoadPublic(Path.Combine(data, "pki", SigningKeyFile.PublicFileName));
            var bootstrap = (await File.ReadAllTextAsync(Path.Combine(data, "bootstrap-credential"), cancellationToken).ConfigureAwait(false)).Trim().Split(':', 2);
            var options = new FleetOptions
            {
                AcsUrl = new UriBuilder(server.Url) { Host = "localhost" }.Uri,
                ConnectTo = System.Net.IPAddress.Loopback,
                ConnectionRequestAddress = System.Net.IPAddress.Loopback, // without it the devices listen for none and report no URL: the campaign's wake-ups went nowhere
                Devices = devices,
                SerialPrefix = "CMPB",
                BootstrapUsername = bootstrap[0],
                BootstrapPassword = bootstrap[1],
                Periodic = TimeSpan.FromSeconds(periodicSeconds),
                Ramp = TimeSpan.FromSeconds(Math.Max(1, devices / 200.0)),
                FirmwareFailure = failureShare > 0 ? FirmwareFailure.BadSignature : FirmwareFailure.None,
                FirmwareFailureShare = failureShare,
            };
            options.TrustedCas.ImportFromPemFile(Path.Combine(data, "pki", "ca.crt"));
            options.SigningKeys[FileSignature.KeyIdOf(signing)] = signing;
            await using var fleet = new FleetSimulator(options);
            await fleet.CreateAsync(cancellationToken).ConfigureAwait(false);
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var run = fleet.RunAsync(stop.Token);
            var clock = Stopwatch.StartNew();
            while (await CountAsync(http, cancellationToken).ConfigureAwait(false) < devices)
            {
                await Task.Delay(500, cancellationToken).ConfigureAwait(false);
            }

            AnsiConsole.MarkupLineInterpolated($"registered {devices} devices in {clock.Elapsed.TotalSeconds:0.0} s");
            var soak = soakSeconds / 60;
            var stages = new JsonArray(
                new JsonObject { ["percent"] = 1, ["soakMinutes"] = soak },
                new JsonObject { ["percent"] = 10, ["soakMinutes"] = soak },
                new JsonObject { ["percent"] = 100 });
            var body = new JsonObject
            {
                ["name"] = "bench", ["file"] = "bench-fw.bin", ["stages"] = stages, ["maxConcurrency"] = concurrency, ["returnWithinMinutes"] = 10,
                ["halt"] = new JsonObject { ["maxFailurePercent"] = haltPercent },
            }.ToJsonString();
            var cpu = server.CpuSeconds;
            clock.Restart();
            using var content = new StringContent(body, Encoding.UTF8, "application/json");
            using var created = await http.PostAsync("api/v1/campaigns", content, cancellationToken).ConfigureAwait(false);
            var campaign = JsonNode.Parse(await created.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false))!;
            created.EnsureSuccessStatusCode();
            var id = campaign["id"]!.GetValue<long>();
            JsonNode view;
            while (true)
            {
                view = JsonNode.Parse(await http.GetStringAsync($"api/v1/campaigns/{id}", cancellationToken).ConfigureAwait(false))!;
                var p = view["progress"]!;
                AnsiConsole.MarkupLineInterpolated($"{clock.Elapsed.TotalSeconds,6:0.0} s  {view["state"]} stage {view["stage"]}: succeeded {p["succeeded"]}, failed {p["failed"]}, in progress {p["inProgress"]}, pending {p["pending"]}");
                if (view["state"]!.GetValue<string>() is "completed" or "halted" or "aborted")
                {
                    break;
                }

                await Task.Delay(1000, cancellationToken).ConfigureAwait(false);
            }

            var seconds = clock.Elapsed.TotalSeconds;
            var serverCpu = server.CpuSeconds - cpu;
            var progress = view["progress"]!;
            var downloads = progress["succeeded"]!.GetValue<int>() + progress["failed"]!.GetValue<int>();
            var stage = view["stage"]!.GetValue<int>();
            var touchedOutside = 0;
            string? after = null;
            do
            {
                var page = JsonNode.Parse(await http.GetStringAsync($"api/v1/campaigns/{id}/devices?limit=1000" + (after is null ? string.Empty : "&after=" + Uri.EscapeDataString(after)), cancellationToken).ConfigureAwait(false))!["devices"]!.AsArray();
                touchedOutside += page.Count(d => d!["stage"]!.GetValue<int>() > stage && d["task"] is not null);
                after = page.Count == 1000 ? page[^1]!["device"]!.GetValue<string>() : null;
            }
            while (after is not null);
            // The API's stage is 1-based: a run that stops in stage N had N-1 soaks (a completed one, the two before stage 3).
            var soaks = soakSeconds * Math.Clamp(stage - 1, 0, 2);
            var megabytes = (double)downloads * firmware.Length / (1024 * 1024);
            AnsiConsole.MarkupLineInterpolated($"campaign {view["state"]} after {seconds:0.0} s{(view["haltReason"] is { } why ? " (" + why + ")" : string.Empty)}");
            AnsiConsole.MarkupLineInterpolated($"downloads: {downloads} of {fileKiB} KiB, {megabytes:0.0} MB; file-server throughput {megabytes / Math.Max(0.001, seconds - soaks):0.00} MB/s (campaign time less {soaks:0} s of soaks)");
            AnsiConsole.MarkupLineInterpolated($"server CPU: {serverCpu:0.0} s, {serverCpu * 1000 / Math.Max(1, downloads):0.0} ms per download (sessions, files, scheduler; simulators excluded)");
            AnsiConsole.MarkupLineInterpolated($"failed by reason: {progress["failedByReason"]!.ToJsonString()}; devices outside stage {stage} touched: {touchedOutside}");
            await stop.CancelAsync().ConfigureAwait(false);
            await run.ConfigureAwait(false);
            return touchedOutside == 0 && (failureShare > 0 || view["state"]!.GetValue<string>() == "completed") ? 0 : 1;
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            try
            {
                Directory.Delete(data, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    // An admin key, minted offline as an operator would (palisade keys create --data).
    private static async Task<string> MintKeyAsync(string palisade, string data, CancellationToken cancellationToken)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { palisade, "keys", "create", "--data", data, "--name", "bench", "--role", "admin" })
        {
            info.ArgumentList.Add(arg);
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException("Cannot run palisade keys create.");
        var output = await process.StandardOutput.ReadToEndAsync(cancellationToken).ConfigureAwait(false);
        await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        return output.Split('\n').Select(l => l.Trim()).FirstOrDefault(l => l.StartsWith("pal_", StringComparison.Ordinal))
            ?? throw new InvalidOperationException("palisade keys create printed no key: " + output + await process.StandardError.ReadToEndAsync(cancellationToken).ConfigureAwait(false));
    }

    [System.Diagnostics.CodeAnalysis.SuppressMessage("Reliability", "CA2000:Dispose objects before losing scope", Justification = "The client owns its handler and disposes it.")]
    private static HttpClient Client(string data)
    {
        var anchors = new X509Certificate2Collection();
        anchors.ImportFromPemFile(Path.Combine(data, "pki", "ca.crt"));
        return new HttpClient(new SocketsHttpHandler { SslOptions = Palisade.Security.Pki.Certificates.ServerAuthentication(anchors, insecure: false) }, disposeHandler: true);
    }

    private static async Task<long> CountAsync(HttpClient http, CancellationToken cancellationToken) =>
        JsonNode.Parse(await http.GetStringAsync("api/v1/devices?limit=1", cancellationToken).ConfigureAwait(false))!["total"]!.GetValue<long>();
}
