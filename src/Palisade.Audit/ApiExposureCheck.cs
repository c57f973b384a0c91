using System.Net;
using System.Net.Sockets;

namespace Palisade.Audit;

/// <summary>
/// Whether the management API (login, keys, users) answers where CPEs connect: on the CWMP port itself, or on the
/// API port of the address CPEs use when that address is not loopback (issue 24, medium 13).
/// </summary>
internal static class ApiExposureCheck
{
    private const string Login = """{"username":"palisade-audit-probe","password":"not-a-password"}""";

    public static async Task RunAsync(HttpProbe http, AuditOptions options, List<Finding> findings, CancellationToken cancellationToken)
    {
        var target = options.Target;
        var onCwmp = await http.SendJsonAsync(HttpMethod.Post, new Uri(target, "/api/v1/login"), Login, null, cancellationToken).ConfigureAwait(false);
        if (LooksLikeApi(onCwmp))
        {
            findings.Add(new("api-on-cwmp-port", Severity.High, "The management API answers on the CWMP port",
                $"POST {target.Scheme}://{target.Authority}/api/v1/login got an API answer ({onCwmp.Status})",
                "Serve the API on its own listener, never on the port CPEs use (palisade serve --api-listen 127.0.0.1)."));
        }

        if (await IsLoopbackAsync(target.Host, cancellationToken).ConfigureAwait(false))
        {
            return;
        }

        var apiPort = options.EffectiveApiUrl.Port;
        foreach (var scheme in new[] { Uri.UriSchemeHttps, Uri.UriSchemeHttp })
        {
            var url = new UriBuilder(scheme, target.Host, apiPort, "/api/v1/login").Uri;
            var reply = await http.SendJsonAsync(HttpMethod.Post, url, Login, null, cancellationToken).ConfigureAwait(false);
            if (LooksLikeApi(reply))
            {
                findings.Add(new("api-on-cpe-interface", Severity.Medium, "The management API answers on the address CPEs use",
                    $"POST {scheme}://{target.Host}:{apiPort}/api/v1/login got an API answer ({reply.Status}) on {target.Host}, where CPEs reach CWMP",
                    "Bind the API, console, metrics and health to a management address only (palisade serve --api-listen 127.0.0.1 or a management interface)."));
                return;
            }
        }
    }

    /// <summary>A login refusal in JSON is the API; the CWMP handler answers with a Digest challenge or an XML fault.</summary>
    internal static bool LooksLikeApi(HttpProbe.Reply reply) =>
        reply.Status is >= 200 and < 500 && reply.Status != 404
        && !reply.Challenges.Any(c => c.StartsWith("Digest", StringComparison.OrdinalIgnoreCase))
        && (reply.Headers.ContentType?.Contains("json", StringComparison.OrdinalIgnoreCase) ?? false);

    private static async Task<bool> IsLoopbackAsync(string host, CancellationToken cancellationToken)
    {
        if (host.Equals("localhost", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        try
        {
            var addresses = IPAddress.TryParse(host.Trim('[', ']'), out var literal) ? [literal] : await Dns.GetHostAddressesAsync(host, cancellationToken).ConfigureAwait(false);
            return addresses.Length > 0 && addresses.All(IPAddress.IsLoopback);
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
