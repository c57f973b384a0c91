using Microsoft.AspNetCore.Http;

namespace Palisade.Server.Api;

/// <summary>
/// The security headers of every API response: nothing cached, no content sniffing, never framed, HSTS over TLS, and a
/// Content-Security-Policy that lets JSON load nothing and the reference page load only its own script and styles.
/// </summary>
internal static class ApiHeaders
{
    /// <summary>The path of the interactive reference page (and its assets beneath it).</summary>
    public const string ReferencePath = "/api/v1/reference";

    // A year, as browsers expect of a host that is https only; no includeSubDomains: the API's host name may share a
    // domain with sites Palisade knows nothing about.
    private const string Hsts = "max-age=31536000";

    private const string JsonPolicy = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

    // The reference page configures itself with an inline script and inline styles; everything else comes from this
    // origin (its fonts from the CDN are turned off).
    private const string ReferencePolicy = "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

    public static void Apply(HttpContext context, bool tls)
    {
        var headers = context.Response.Headers;
        headers.CacheControl = "no-store";
        headers["X-Content-Type-Options"] = "nosniff";
        headers["X-Frame-Options"] = "DENY";
        headers["Referrer-Policy"] = "no-referrer";
        headers.ContentSecurityPolicy = context.Request.Path.StartsWithSegments(ReferencePath, StringComparison.Ordinal) ? ReferencePolicy : JsonPolicy;
        if (tls && context.Request.IsHttps)
        {
            headers.StrictTransportSecurity = Hsts;
        }
    }
}
