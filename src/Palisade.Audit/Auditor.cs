using System.Text;
using Palisade.Cwmp;
using Palisade.Cwmp.Codec;
using Palisade.Cwmp.Envelope;
using Palisade.Cwmp.Messages;
using Palisade.Cwmp.Structs;
using Palisade.Cwmp.Values;
using Palisade.Security.Digest;

namespace Palisade.Audit;

/// <summary>
/// Probes one ACS or CPE connection-request endpoint for the weaknesses public research found in TR-069
/// deployments. It only talks to the target it is given, with bounded requests and time, and never tries to read a
/// file or run anything: the XML probes use a harmless canary entity.
/// </summary>
public static class Auditor
{
    private const string Canary = "PALISADE-AUDIT-CANARY";

    public static async Task<IReadOnlyList<Finding>> RunAsync(AuditOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        var findings = new List<Finding>();
        var url = options.Target;
        if (url.Scheme == Uri.UriSchemeHttp)
        {
            findings.Add(new("plaintext", Severity.High, options.Kind == "cpe" ? "Connection requests over plaintext HTTP" : "CWMP over plaintext HTTP",
                $"{url} is http://", options.Kind == "cpe"
                    ? "Prefer https connection-request URLs; at least require Digest and rate limiting."
                    : "Serve CWMP over HTTPS only (Palisade: the default; drop --insecure-http) and move devices to the https URL."));
        }
        else
        {
            await TlsProbe.RunAsync(options, findings, cancellationToken).ConfigureAwait(false);
            var plain = new UriBuilder(url) { Scheme = Uri.UriSchemeHttp }.Uri;
            using var probe = new HttpProbe(options);
            var reply = await probe.SendAsync(HttpMethod.Post, plain, [], null, null, false, cancellationToken).ConfigureAwait(false);
            if (reply.Status != 0)
            {
                findings.Add(new("plaintext-offered", Severity.High, "Plaintext HTTP answered on the TLS port", $"http://{url.Authority} answered {reply.Status}", "Serve TLS only on this port."));
            }
        }

        using (var http = new HttpProbe(options))
        {
            if (options.Kind == "cpe")
            {
                await CpeAsync(http, options, findings, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                await AcsAsync(http, options, findings, cancellationToken).ConfigureAwait(false);
                await ApiExposureCheck.RunAsync(http, options, findings, cancellationToken).ConfigureAwait(false);
            }
        }

        if (options.Kind != "cpe")
        {
            // The checks of a deployed server through its API: a connection request may take the ACS's own timeout.
            using var api = new HttpProbe(options, TimeSpan.FromSeconds(30));
            await SsrfCheck.RunAsync(api, options, findings, cancellationToken).ConfigureAwait(false);
            await SecretsCheck.RunAsync(api, options, findings, cancellationToken).ConfigureAwait(false);
            await LockoutCheck.RunAsync(api, options, findings, cancellationToken).ConfigureAwait(false);
        }

        return [.. findings.OrderByDescending(f => f.Severity).ThenBy(f => f.Id, StringComparer.Ordinal)];
    }

    private static async Task AcsAsync(HttpProbe http, AuditOptions options, List<Finding> findings, CancellationToken cancellationToken)
    {
        var url = options.Target;
        var inform = Inform();

        var anonymous = await http.SendAsync(HttpMethod.Post, url, inform, null, null, false, cancellationToken).ConfigureAwait(false);
        Banner(anonymous, findings);
        if (anonymous.Status == 200 && anonymous.Body.Contains("InformResponse", StringComparison.Ordinal))
        {
            findings.Add(new("cwmp-no-auth", Severity.Critical, "CWMP accepted without authentication", "an Inform without credentials got an InformResponse",
                "Authenticate every CPE (Digest with per-device credentials or client certificates)."));
        }
        else if (anonymous.Status == 401)
        {
            var challenges = anonymous.Challenges.ToList();
            if (challenges.Any(c => c.StartsWith("Basic", StringComparison.OrdinalIgnoreCase)))
            {
                findings.Add(new("basic-auth", url.Scheme == "http" ? Severity.High : Severity.Low, url.Scheme == "http" ? "Basic authentication over plaintext" : "Basic authentication offered",
                    string.Join(" | ", challenges), "Use Digest (qop=auth) or client certificates; never Basic over plaintext."));
            }

            var digest = challenges.Where(c => c.StartsWith("Digest", StringComparison.OrdinalIgnoreCase)).ToList();
            if (digest.Count > 0 && digest.All(c => !c.Contains("qop", StringComparison.OrdinalIgnoreCase)))
            {
                findings.Add(new("digest-no-qop", Severity.Medium, "Digest without qop", string.Join(" | ", digest), "Require qop=auth so that nonce counts stop replays."));
            }
        }
        else
        {
            findings.Add(new("cwmp-unexpected", Severity.Info, "Unexpected answer to an anonymous Inform", $"status {anonymous.Status} {anonymous.Error}", "Check that the target is a CWMP endpoint."));
        }

        ErrorLeak(anonymous, findings);

        // A session that does not start with an Inform.
        var rpc = CwmpWriter.ToBytes(CwmpEnvelope.For(CwmpVersion.V1_2, "audit-1", new GetRPCMethodsRequest()));
        var noInform = await http.SendAsync(HttpMethod.Post, url, rpc, null, null, false, cancellationToken).ConfigureAwait(false);
        if (noInform.Status == 200 && noInform.Body.Contains("GetRPCMethodsResponse", StringComparison.Ordinal))
        {
            findings.Add(new("cwmp-no-inform-first", Severity.High, "Session accepted without an Inform first", "a GetRPCMethods with no session got a GetRPCMethodsResponse",
                "Refuse anything but an Inform to open a session (TR-069 §3.7)."));
        }

        ErrorLeak(noInform, findings);

        // A DTD with a harmless internal entity, then an external one pointing nowhere.
        foreach (var (id, dtd, severity) in new[]
        {
            ("xml-dtd", $"<!DOCTYPE soap:Envelope [<!ENTITY canary \"{Canary}\">]>", Severity.Medium),
            ("xml-external-entity", "<!DOCTYPE soap:Envelope [<!ENTITY canary SYSTEM \"http://127.0.0.1:9/palisade-audit-canary\">]>", Severity.High),
        })
        {
            var text = Encoding.UTF8.GetString(inform).Replace("PALAUDIT0001", "&canary;", StringComparison.Ordinal);
            var body = Encoding.UTF8.GetBytes(text.Replace("<soap:Envelope", dtd + "<soap:Envelope", StringComparison.Ordinal));
            var reply = await http.SendAsync(HttpMethod.Post, url, body, null, null, false, cancellationToken).ConfigureAwait(false);
            if (reply.Status is 200 or 401 or 403 || reply.Body.Contains(Canary, StringComparison.Ordinal))
            {
                findings.Add(new(id, severity, id == "xml-dtd" ? "XML with a DTD accepted" : "XML with an external entity accepted",
                    $"an Inform carrying a {(id == "xml-dtd" ? "DTD" : "SYSTEM entity")} got {reply.Status} instead of a 400",
                    "Refuse any DOCTYPE (XmlReaderSettings.DtdProcessing = Prohibit) and never resolve external entities."));
            }

            ErrorLeak(reply, findings);
        }

        // An oversize body, announced up front so the server can refuse before it is sent.
        var huge = new byte[8 * 1024 * 1024];
        "<"u8.CopyTo(huge);
        var oversize = await http.SendAsync(HttpMethod.Post, url, huge, null, null, true, cancellationToken).ConfigureAwait(false);
        if (oversize.Status is not (0 or 413 or 400))
        {
            findings.Add(new("oversize-accepted", Severity.Medium, "Oversize body accepted", $"an 8 MiB body got {oversize.Status}", "Cap request bodies (Palisade: 4 MiB, after decompression)."));
        }

        if (options.Username is not null && options.Password is not null && anonymous.Status == 401)
        {
            await ReplayAsync(http, url, HttpMethod.Post, inform, anonymous, options, findings, cancellationToken).ConfigureAwait(false);
        }
    }

    private static async Task CpeAsync(HttpProbe http, AuditOptions options, List<Finding> findings, CancellationToken cancellationToken)
    {
        var url = options.Target;
        var anonymous = await http.SendAsync(HttpMethod.Get, url, null, null, null, false, cancellationToken).ConfigureAwait(false);
        Banner(anonymous, findings);
        if (anonymous.Status is 200 or 204)
        {
            findings.Add(new("cr-no-auth", Severity.Critical, "Connection request accepted without authentication", $"GET {url.AbsolutePath} without credentials got {anonymous.Status}",
                "Require Digest with a unique ConnectionRequestUsername/Password per device."));
        }
        else if (anonymous.Status == 401 && anonymous.Challenges.Any(c => c.StartsWith("Basic", StringComparison.OrdinalIgnoreCase)))
        {
            findings.Add(new("cr-basic", Severity.High, "Connection request accepts Basic", string.Join(" | ", anonymous.Challenges), "Offer Digest only."));
        }

        // Rate limiting: a short burst of unauthenticated requests should hit a limit.
        var limited = false;
        for (var i = 0; i < 30 && !limited; i++)
        {
            var reply = await http.SendAsync(HttpMethod.Get, url, null, null, null, false, cancellationToken).ConfigureAwait(false);
            limited = reply.Status is 503 or 429 || reply.Status == 0;
        }

        if (!limited)
        {
            findings.Add(new("cr-no-rate-limit", Severity.Medium, "No rate limiting on connection requests", "30 requests in a row were all answered", "Rate-limit connection requests per device (503 with Retry-After)."));
        }

        if (options.Username is not null && options.Password is not null && anonymous.Status == 401)
        {
            await ReplayAsync(http, url, HttpMethod.Get, null, anonymous, options, findings, cancellationToken).ConfigureAwait(false);
        }
    }

    private static async Task ReplayAsync(HttpProbe http, Uri url, HttpMethod method, byte[]? body, HttpProbe.Reply challenged, AuditOptions options, List<Finding> findings, CancellationToken cancellationToken)
    {
        if (DigestClient.PickChallenge(challenged.Challenges) is not { } challenge)
        {
            return;
        }

        var header = new DigestClient(options.Username!, options.Password!).Authorize(challenge, method.Method, url.PathAndQuery);
        var first = await http.SendAsync(method, url, body, header, null, false, cancellationToken).ConfigureAwait(false);
        if (first.Status is not (200 or 204))
        {
            findings.Add(new("digest-credentials-refused", Severity.Info, "The given credentials were refused", $"status {first.Status}", "Check --username/--password."));
            return;
        }

        await Task.Delay(1500, cancellationToken).ConfigureAwait(false);
        var replay = await http.SendAsync(method, url, body, header, null, false, cancellationToken).ConfigureAwait(false);
        if (replay.Status is 200 or 204)
        {
            findings.Add(new("digest-replay", Severity.High, "Replayed Digest response accepted", "the same Authorization header was accepted twice",
                "Track nonce counts and refuse a response seen before (RFC 7616 §5.14)."));
        }
    }

    private static void Banner(HttpProbe.Reply reply, List<Finding> findings)
    {
        if (reply.Headers.Server is { } server && server.Any(char.IsDigit))
        {
            findings.Add(new("banner", Severity.Low, "Server banner shows a version", $"Server: {server}", "Remove or genericise the Server header."));
        }

        if (reply.Headers.PoweredBy is { } powered)
        {
            findings.Add(new("banner-powered-by", Severity.Low, "X-Powered-By header", $"X-Powered-By: {powered}", "Remove the header."));
        }
    }

    private static void ErrorLeak(HttpProbe.Reply reply, List<Finding> findings)
    {
        if (reply.Body.Contains("   at ", StringComparison.Ordinal) || reply.Body.Contains("Exception:", StringComparison.Ordinal) || reply.Body.Contains("Traceback", StringComparison.Ordinal))
        {
            if (!findings.Any(f => f.Id == "stack-trace"))
            {
                findings.Add(new("stack-trace", Severity.Medium, "Stack trace in an error response", reply.Body[..Math.Min(200, reply.Body.Length)], "Answer errors with a short message; log the details server-side."));
            }
        }
    }

    private static byte[] Inform() => CwmpWriter.ToBytes(CwmpEnvelope.For(CwmpVersion.V1_2, "audit-inform",
        new InformRequest(new DeviceIdStruct("Palisade Audit", "000000", "AUDIT", "PALAUDIT0001"), [new EventStruct("2 PERIODIC")], 1, DateTimeOffset.UtcNow, 0,
            [new ParameterValueStruct("Device.DeviceInfo.SoftwareVersion", ParameterValue.String("audit"))])));
}
