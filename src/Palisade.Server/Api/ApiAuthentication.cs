using Microsoft.AspNetCore.Http;
using Palisade.Acs.Access;
using Palisade.Acs.Audit;
using Palisade.Acs.Storage;

namespace Palisade.Server.Api;

/// <summary>
/// Resolves <c>Authorization: Bearer …</c> to a <see cref="Caller"/> through the sign-in service, and writes every
/// refused call (401, 403) to the audit log through <see cref="RefusalAudit"/>, which bounds them.
/// </summary>
internal sealed class ApiAuthentication(SignInService signIn, RefusalAudit refusals, Microsoft.Extensions.Logging.ILogger logger)
{
    public const string CallerKey = "palisade.caller";

    public async Task InvokeAsync(HttpContext context, Func<Task> next)
    {
        try
        {
            await AuthenticateAndRunAsync(context, next).ConfigureAwait(false);
        }
        catch (StoreException e) when (Operations.StoreOutage.Is(e))
        {
            // The database is away (a restart, a failover): say so and when to come back, as the CWMP side does.
            if (Operations.StoreOutage.Begin(context.Response, logger, e))
            {
                await Problems.Of(503, "Service unavailable", "The store cannot be reached just now; nothing was written. Try again shortly.")
                    .ExecuteAsync(context).ConfigureAwait(false);
            }
        }
    }

    private async Task AuthenticateAndRunAsync(HttpContext context, Func<Task> next)
    {
        if (Token(context) is { } token && await signIn.ResolveAsync(token, Source(context), context.RequestAborted).ConfigureAwait(false) is { } caller)
        {
            context.Items[CallerKey] = caller;
        }

        await next().ConfigureAwait(false);

        // Failed logins are audited by the sign-in service, with the name tried.
        if (context.Response.StatusCode is 401 or 403 && !context.Request.Path.StartsWithSegments("/api/v1/login", StringComparison.Ordinal))
        {
            var who = (context.Items[CallerKey] as Caller)?.Actor ?? "anonymous";
            var action = context.Response.StatusCode == 401 ? "api.unauthorized" : "api.forbidden";
            await refusals.RecordAsync(who, Source(context), action, context.Request.Method + " " + context.Request.Path.Value).ConfigureAwait(false);
        }
    }

    /// <summary>The bearer token of the request, however the scheme's case and spacing, or null.</summary>
    public static string? Token(HttpContext context)
    {
        var header = context.Request.Headers.Authorization.ToString();
        return header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) && header[7..].Trim() is { Length: > 0 } token ? token : null;
    }

    /// <summary>The per-credential rate-limit bucket: a key by its id, a session by its token; null without one.</summary>
    public static string? RateKey(HttpContext context) => Token(context) switch
    {
        { } t when ApiKeys.TryParse(t, out var id, out _) => "key:" + id,
        { } t when t.StartsWith("pss_", StringComparison.Ordinal) && t.Length <= 128 => "session:" + t,
        _ => null,
    };

    /// <summary>The caller's address as the audit log records it.</summary>
    public static string Source(HttpContext context) => context.Connection.RemoteIpAddress?.ToString() ?? "-";
}
