using Microsoft.AspNetCore.Http;
using Palisade.Acs.Access;
using Palisade.Server.Api;

namespace Palisade.Server.Console;

/// <summary>
/// The console's sign-in: the session token of <see cref="SignInService"/> (the same users, lifetime, idle timeout,
/// throttle and audit as <c>POST /api/v1/login</c>) in a <c>__Host-</c> cookie that is Secure, HttpOnly and
/// SameSite=Strict. Whether a token is still valid is the service's rule alone.
/// </summary>
internal sealed class ConsoleSessions(SignInService signIn)
{
    public const string CookieName = "__Host-palisade";
    private const string CallerKey = "palisade.console.caller";
    private const string TokenKey = "palisade.console.token";

    /// <summary>The signed-in caller of this request, or null.</summary>
    public static Caller? Caller(HttpContext context) => context.Items[CallerKey] as Caller;

    /// <summary>The session token of this request, or null.</summary>
    public static string? Token(HttpContext context) => context.Items[TokenKey] as string;

    /// <summary>Finds the caller behind the session cookie; a cookie the service no longer knows is removed.</summary>
    public async Task ResolveAsync(HttpContext context)
    {
        if (context.Request.Cookies[CookieName] is not { Length: > 0 and <= 128 } token || !token.StartsWith("pss_", StringComparison.Ordinal))
        {
            return;
        }

        if (await signIn.ResolveAsync(token, ApiAuthentication.Source(context), context.RequestAborted).ConfigureAwait(false) is not { } caller)
        {
            Clear(context);
            return;
        }

        context.Items[CallerKey] = caller;
        context.Items[TokenKey] = token;
    }

    /// <summary>Signs in with the API's rules and sets the cookie; throws the service's refusal.</summary>
    public async Task<SignInResult> SignInAsync(HttpContext context, string name, string password)
    {
        var body = new System.Text.Json.Nodes.JsonObject { ["username"] = name, ["password"] = password };
        var result = await signIn.LoginAsync(body, ApiAuthentication.Source(context), context.RequestAborted).ConfigureAwait(false);
        context.Response.Cookies.Append(CookieName, result.Token, new CookieOptions
        {
            Secure = true,
            HttpOnly = true,
            SameSite = SameSiteMode.Strict,
            Path = "/",
            IsEssential = true,
        });
        return result;
    }

    /// <summary>Ends this request's session and removes the cookie.</summary>
    public async Task SignOutAsync(HttpContext context)
    {
        if (Token(context) is { } token)
        {
            await signIn.LogoutAsync(token, ApiAuthentication.Source(context)).ConfigureAwait(false);
        }

        Clear(context);
    }

    private static void Clear(HttpContext context) =>
        context.Response.Cookies.Delete(CookieName, new CookieOptions { Secure = true, HttpOnly = true, SameSite = SameSiteMode.Strict, Path = "/" });
}
