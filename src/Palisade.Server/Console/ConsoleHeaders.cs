using Microsoft.AspNetCore.Http;

namespace Palisade.Server.Console;

/// <summary>
/// The console's Content-Security-Policy: scripts and styles only from this origin (no inline script, no eval, no
/// inline style), forms only to this origin, never framed, no referrer. The API's own headers (no-store, nosniff,
/// DENY, HSTS) are already set.
/// </summary>
internal static class ConsoleHeaders
{
    public const string Policy = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

    public static void Apply(HttpContext context)
    {
        context.Response.Headers.ContentSecurityPolicy = Policy;
        context.Response.Headers["Referrer-Policy"] = "no-referrer";
        context.Response.Headers.CacheControl = "no-store";
    }
}
