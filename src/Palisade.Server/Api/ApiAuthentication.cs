using Microsoft.AspNetCore.Http;
using Palisade.Acs.Access;

namespace Palisade.Server.Api;

/// <summary>Resolves <c>Authorization: Bearer …</c> to a <see cref="Caller"/> through the sign-in service.</summary>
internal sealed class ApiAuthentication(SignInService signIn)
{
    public const string CallerKey = "palisade.caller";

    public async Task InvokeAsync(HttpContext context, Func<Task> next)
    {
        var header = context.Request.Headers.Authorization.ToString();
        if (header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            var token = header[7..].Trim();
            if (await signIn.ResolveAsync(token, Source(context), context.RequestAborted).ConfigureAwait(false) is { } caller)
            {
                context.Items[CallerKey] = caller;
            }
        }

        await next().ConfigureAwait(false);
    }

    /// <summary>The caller's address as the audit log records it.</summary>
    public static string Source(HttpContext context) => context.Connection.RemoteIpAddress?.ToString() ?? "-";
}
