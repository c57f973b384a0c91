using System.Collections.Concurrent;
using Microsoft.AspNetCore.Http;
using Palisade.Acs.Access;
using Palisade.Server.Api;

namespace Palisade.Server.Console;

/// <summary>
/// The console's sign-in: the session token of <see cref="SignInService"/> (the same users, lifetime, throttle and
/// audit as <c>POST /api/v1/login</c>) in a <c>__Host-</c> cookie that is Secure, HttpOnly and SameSite=Strict. A
/// session idle for <see cref="ConsoleOptions.IdleTimeout"/> is logged out on its next request.
/// </summary>
internal sealed class ConsoleSessions(SignInService signIn, ConsoleOptions options, TimeProvider time)
{
    public const string CookieName = "__Host-palisade";
    private const string CallerKey = "palisade.console.caller";
    private const string TokenKey = "palisade.console.token";
    private const int MaxTracked = 10_000;
    private readonly ConcurrentDictionary<string, DateTimeOffset> _lastSeen = new(StringComparer.Ordinal);

    /// <summary>The signed-in caller of this request, or null.</summary>
    public static Caller? Caller(HttpContext context) => context.Items[CallerKey] as Caller;

    /// <summary>The session token of this request, or null.</summary>
    public static string? Token(HttpContext context) => context.Items[TokenKey] as string;

    /// <summary>Finds the caller behind the session cookie, ending it when idle too long.</summary>
    public async Task ResolveAsync(HttpContext context)
    {
        if (context.Request.Cookies[CookieName] is not { Length: > 0 and <= 128 } token || !token.StartsWith("pss_", StringComparison.Ordinal))
        {
            return;
        }

        var now = time.GetUtcNow();
        var source = ApiAuthentication.Source(context);
        if (_lastSeen.TryGetValue(token, out var last) && now - last > options.IdleTimeout)
        {
            _lastSeen.TryRemove(token, out _);
            await signIn.LogoutAsync(token, source).ConfigureAwait(false);
            Clear(context);
            return;
        }

        if (await signIn.ResolveAsync(token, source, context.RequestAborted).ConfigureAwait(false) is not { } caller)
        {
            _lastSeen.TryRemove(token, out _);
            Clear(context);
            return;
        }

        _lastSeen[token] = now;
        context.Items[CallerKey] = caller;
        context.Items[TokenKey] = token;
    }

    /// <summary>Signs in with the API's rules and sets the cookie; throws the service's refusal.</summary>
    public async Task<SignInResult> SignInAsync(HttpContext context, string name, string password)
    {
        var body = new System.Text.Json.Nodes.JsonObject { ["username"] = name, ["password"] = password };
        var result = await signIn.LoginAsync(body, ApiAuthentication.Source(context), context.RequestAborted).ConfigureAwait(false);
        Bound(time.GetUtcNow());
        _lastSeen[result.Token] = time.GetUtcNow();
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
            _lastSeen.TryRemove(token, out _);
            await signIn.LogoutAsync(token, ApiAuthentication.Source(context)).ConfigureAwait(false);
        }

        Clear(context);
    }

    private static void Clear(HttpContext context) =>
        context.Response.Cookies.Delete(CookieName, new CookieOptions { Secure = true, HttpOnly = true, SameSite = SameSiteMode.Strict, Path = "/" });

    // Idle entries go first; the table never grows past its bound.
    private void Bound(DateTimeOffset now)
    {
        if (_lastSeen.Count < MaxTracked)
        {
            return;
        }

        foreach (var (token, last) in _lastSeen)
        {
            if (now - last > options.IdleTimeout)
            {
                _lastSeen.TryRemove(token, out _);
            }
        }

        while (_lastSeen.Count >= MaxTracked && _lastSeen.MinBy(e => e.Value) is { Key: { } oldest })
        {
            _lastSeen.TryRemove(oldest, out _);
        }
    }
}
