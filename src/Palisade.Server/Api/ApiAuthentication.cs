using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Palisade.Acs.Access;
using Palisade.Acs.Query;
using Palisade.Storage.Sqlite;

namespace Palisade.Server.Api;

/// <summary>
/// Resolves <c>Authorization: Bearer …</c> to a <see cref="Caller"/>: an API key (<c>pal_…</c>, checked against its
/// stored hash in constant time, not revoked, not expired) or a session token from <c>POST /api/v1/login</c>.
/// Logins lock a user out after repeated failures.
/// </summary>
internal sealed class ApiAuthentication(SqliteDeviceStore store, ApiOptions options, TimeProvider time)
{
    public const string CallerKey = "palisade.caller";
    private static readonly TimeSpan SessionLifetime = TimeSpan.FromHours(12);
    private readonly ConcurrentDictionary<string, (Caller Caller, DateTimeOffset Expires)> _sessions = new(StringComparer.Ordinal);

    public async Task InvokeAsync(HttpContext context, Func<Task> next)
    {
        var header = context.Request.Headers.Authorization.ToString();
        if (header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            var token = header[7..].Trim();
            if (await ResolveAsync(token, context.RequestAborted).ConfigureAwait(false) is { } caller)
            {
                context.Items[CallerKey] = caller;
            }
        }

        await next().ConfigureAwait(false);
    }

    public async Task<IResult> LoginAsync(HttpContext context)
    {
        JsonNode? body;
        try
        {
            body = await JsonNode.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted).ConfigureAwait(false);
        }
        catch (System.Text.Json.JsonException)
        {
            return Problems.BadRequest("The body must be {\"username\": …, \"password\": …}.");
        }

        var name = body?["username"]?.GetValue<string>();
        var password = body?["password"]?.GetValue<string>();
        if (name is null || password is null || name.Length > 64 || password.Length > 1024)
        {
            return Problems.BadRequest("The body must be {\"username\": …, \"password\": …}.");
        }

        var now = time.GetUtcNow();
        var user = await store.GetUserAsync(name, context.RequestAborted).ConfigureAwait(false);
        if (user?.LockedUntil is { } locked && locked > now)
        {
            return Problems.Of(429, "Locked", "Too many failed logins; try again later.");
        }

        // Hash even for an unknown user, so that timing does not tell which user names exist.
        var ok = PasswordHasher.Verify(password, user?.PasswordHash ?? Decoy);
        if (user is null || !ok)
        {
            if (user is not null)
            {
                var lockUntil = user.FailedLogins + 1 >= options.MaxFailedLogins ? now + options.Lockout : (DateTimeOffset?)null;
                await store.RecordLoginAsync(name, false, lockUntil, context.RequestAborted).ConfigureAwait(false);
            }

            return Problems.Of(401, "Unauthorized", "Wrong user name or password.");
        }

        await store.RecordLoginAsync(name, true, null, context.RequestAborted).ConfigureAwait(false);
        var token = "pss_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
        _sessions[token] = (new Caller("user:" + user.Name, user.Role, null, null), now + SessionLifetime);
        await store.AppendAsync(new AuditRecord(now, "user:" + user.Name, context.Connection.RemoteIpAddress?.ToString() ?? "-", "user.login", "user:" + user.Name, "{}"), CancellationToken.None).ConfigureAwait(false);
        return ApiJson.Ok(new JsonObject { ["token"] = token, ["expires"] = now + SessionLifetime, ["role"] = user.Role });
    }

    private static readonly string Decoy = PasswordHasher.Hash(Convert.ToHexString(RandomNumberGenerator.GetBytes(16)));

    private async Task<Caller?> ResolveAsync(string token, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (token.StartsWith("pss_", StringComparison.Ordinal))
        {
            if (_sessions.TryGetValue(token, out var session) && session.Expires > now)
            {
                return session.Caller;
            }

            _sessions.TryRemove(token, out _);
            return null;
        }

        if (!ApiKeys.TryParse(token, out var id, out var secret))
        {
            return null;
        }

        var key = await store.GetKeyAsync(id, cancellationToken).ConfigureAwait(false);
        if (key is null || !ApiKeys.Verify(key, secret) || !key.IsUsable(now))
        {
            return null;
        }

        var scope = key.DeviceFilter is null ? null : FilterParser.Parse(key.DeviceFilter, now);
        return new Caller("key:" + key.Name, key.Role, scope, key.DeviceFilter);
    }
}
