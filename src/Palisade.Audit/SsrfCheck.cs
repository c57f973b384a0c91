using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using Palisade.Cpe.Agent;
using Palisade.Cpe.Model;

namespace Palisade.Audit;

/// <summary>
/// Whether a CPE can aim the ACS's connection requests where no CPE lives (issue 24, medium 6). The audit informs
/// as a CPE whose ConnectionRequestURL points at a listener it runs on 127.0.0.1, asks for a connection request
/// through the API, and sees whether the ACS called; then the same with the cloud metadata address. Run it on the
/// ACS's own host, or 127.0.0.1 is not the ACS's loopback. It registers one device (PALAUDIT…), deleted again when
/// the key may delete.
/// </summary>
internal static class SsrfCheck
{
    private const string Remedy = "Refuse connection requests to loopback, link-local (metadata) and the ACS's own addresses; allow only the CPE networks (palisade serve --cpe-network).";

    public static async Task RunAsync(HttpProbe http, AuditOptions options, List<Finding> findings, CancellationToken cancellationToken)
    {
        if (options.DeviceUsername is null || options.DevicePassword is null)
        {
            return;
        }

        if (options.ApiKey is not { } key)
        {
            findings.Add(new("ssrf-not-checked", Severity.Info, "Connection-request SSRF not checked", "the ACS sends connection requests when its API asks for one, and no API key was given",
                "Give an operator key with --api-key."));
            return;
        }

        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var calls = 0;
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var answering = AnswerAsync(listener, () => Interlocked.Increment(ref calls), stop.Token);

        var serial = "PALAUDIT" + Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(4));
        var agentOptions = new AgentOptions { AcsUrl = options.Target, Username = options.DeviceUsername, Password = options.DevicePassword };
        agentOptions.TrustedCas.AddRange(options.TrustedCas);
        await using var agent = new CpeAgent(new CpeDataModel(DeviceTemplate.Build(DeviceProfile.Gateway()), new DeviceIdentity("Palisade Audit", "000000", "AUDIT", serial, "audit", "audit")), agentOptions);
        var device = new Uri(options.EffectiveApiUrl, "/api/v1/devices/" + Uri.EscapeDataString("000000-AUDIT-" + serial));
        try
        {
            agent.SetConnectionRequestUrl($"http://127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}/palisade-audit-ssrf");
            var session = await agent.RunSessionAsync(cancellationToken).ConfigureAwait(false);
            if (!session.Success)
            {
                findings.Add(new("ssrf-not-checked", Severity.Info, "Connection-request SSRF not checked", $"the audit could not open a CWMP session as a CPE: {session.ErrorKind} {session.Detail}",
                    "Give a bootstrap or device credential with --device-credential, and the ACS's CA with --ca."));
                return;
            }

            var loopback = await PokeAsync(http, device, key, cancellationToken).ConfigureAwait(false);
            if (loopback is null)
            {
                findings.Add(new("ssrf-not-checked", Severity.Info, "Connection-request SSRF not checked", $"POST {device}/connection-request was not answered with 200", "Give an operator key of this server with --api-key and its API URL with --api-url."));
                return;
            }

            if (Volatile.Read(ref calls) > 0)
            {
                findings.Add(new("ssrf-loopback", Severity.High, "Connection requests go to loopback URLs a CPE reports",
                    "a CPE reported http://127.0.0.1:…/ as its ConnectionRequestURL and the ACS called it", Remedy));
            }

            Leak(loopback, findings);

            agent.SetConnectionRequestUrl("http://169.254.169.254/latest/meta-data/");
            if ((await agent.RunSessionAsync(cancellationToken).ConfigureAwait(false)).Success
                && await PokeAsync(http, device, key, cancellationToken).ConfigureAwait(false) is { } metadata
                && metadata["reason"]?.GetValue<string>() != "refused-address")
            {
                findings.Add(new("ssrf-metadata", Severity.High, "Connection requests go to the cloud metadata address",
                    $"a CPE reported http://169.254.169.254/ and the ACS tried it (answered {metadata.ToJsonString()})", Remedy));
            }
        }
        finally
        {
            await stop.CancelAsync().ConfigureAwait(false);
            listener.Stop();
            await answering.ConfigureAwait(false);
            await http.SendJsonAsync(HttpMethod.Delete, device, null, key, CancellationToken.None).ConfigureAwait(false);
        }
    }

    private static void Leak(JsonObject answer, List<Finding> findings)
    {
        var extra = answer.Select(p => p.Key).Where(k => k is not ("result" or "reason" or "attempts")).ToList();
        var result = answer["result"]?.GetValue<string>();
        if (extra.Count > 0 || result is not ("reached" or "sent-udp" or "sent-xmpp" or "unreachable"))
        {
            findings.Add(new("cr-outcome-detail", Severity.Low, "Connection-request answers say more than reached or unreachable",
                $"the API answered {string.Join(", ", answer.Select(p => p.Key))} with result '{result}'",
                "Report only reached, sent-udp, sent-xmpp or unreachable and fixed reasons: the target was chosen by the device."));
        }
    }

    private static async Task<JsonObject?> PokeAsync(HttpProbe http, Uri device, string key, CancellationToken cancellationToken)
    {
        var reply = await http.SendJsonAsync(HttpMethod.Post, new Uri(device + "/connection-request"), null, key, cancellationToken).ConfigureAwait(false);
        if (reply.Status != 200)
        {
            return null;
        }

        try
        {
            return JsonNode.Parse(reply.Body) as JsonObject;
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
    }

    /// <summary>Counts every connection and answers 204, as a CPE that accepted would.</summary>
    private static async Task AnswerAsync(TcpListener listener, Action called, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                using var client = await listener.AcceptTcpClientAsync(cancellationToken).ConfigureAwait(false);
                called();
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                timeout.CancelAfter(TimeSpan.FromSeconds(2));
                var stream = client.GetStream();
                var buffer = new byte[8192];
                var read = 0;
                while (read < buffer.Length && !System.Text.Encoding.ASCII.GetString(buffer, 0, read).Contains("\r\n\r\n", StringComparison.Ordinal))
                {
                    var n = await stream.ReadAsync(buffer.AsMemory(read), timeout.Token).ConfigureAwait(false);
                    if (n == 0)
                    {
                        break;
                    }

                    read += n;
                }

                await stream.WriteAsync("HTTP/1.1 204 No Content\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"u8.ToArray(), timeout.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                if (cancellationToken.IsCancellationRequested)
                {
                    return;
                }
            }
            catch (Exception e) when (e is SocketException or IOException or ObjectDisposedException)
            {
                if (cancellationToken.IsCancellationRequested)
                {
                    return;
                }
            }
        }
    }
}
