using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Palisade.Acs.Audit;
using Palisade.Acs.Query;
using Palisade.Acs.Services;

namespace Palisade.Acs.Access;

/// <summary>
/// Who a bearer token is: an API key (<c>pal_…</c>, checked against its stored hash in constant time, not revoked,
/// not expired) or a session token from a user's login (<c>pss_…</c>). Logins lock a user out after repeated failures.
/// </summary>
public sealed class SignInService(IAccessStore store, AuditService audit, SignInOptions options, TimeProvider time)
{
    private static readonly string Decoy = PasswordHasher.Hash(Convert.ToHexString(RandomNumberGenerator.GetBytes(16)));
    private readonly ConcurrentDictionary<string, (Caller Caller, DateTimeOffset Expires)> _sessions = new(StringComparer.Ordinal);

    /// <summary>Checks a user name and password from <c>{"username", "password"}</c> and opens a session.</summary>
    public async Task<SignInResult> LoginAsync(JsonNode? body, string source, CancellationToken cancellationToken)
    {
        const string Shape = "The body must be {\"username\": …, \"password\": …}.";
        var o = body as JsonObject ?? throw ServiceException.Invalid("body", Shape);
        var name = JsonFields.String(o, "username", 64);
        var password = JsonFields.String(o, "password", 1024);
        if (name is null || password is null)
        {
            throw ServiceException.Invalid(name is null ? "username" : "password", Shape);
        }

        var now = time.GetUtcNow();
        var user = await store.GetUserAsync(name, cancellationToken).ConfigureAwait(false);
        if (user?.LockedUntil is { } locked && locked > now)
        {
            throw new ServiceException(ServiceErrorReason.Throttled, "Too many failed logins; try again later.");
        }

        // Hash even for an unknown user, so that timing does not tell which user names exist.
        var ok = PasswordHasher.Verify(password, user?.PasswordHash ?? Decoy);
        if (user is null || !ok)
        {
            if (user is not null)
            {
                var lockUntil = user.FailedLogins + 1 >= options.MaxFailedLogins ? now + options.Lockout : (DateTimeOffset?)null;
                await store.RecordLoginAsync(name, false, lockUntil, cancellationToken).ConfigureAwait(false);
            }

            throw new ServiceException(ServiceErrorReason.Unauthenticated, "Wrong user name or password.");
        }

        await store.RecordLoginAsync(name, true, null, cancellationToken).ConfigureAwait(false);
        var token = "pss_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
        var expires = now + options.SessionLifetime;
        _sessions[token] = (new Caller("user:" + user.Name, user.Role, null, null), expires);
        await audit.RecordAsync("user:" + user.Name, source, "user.login", "user:" + user.Name, []).ConfigureAwait(false);
        return new SignInResult(token, expires, user.Role);
    }

    /// <summary>The caller a bearer token stands for, or null when it is unknown, expired or revoked.</summary>
    public async Task<Caller?> ResolveAsync(string token, string source, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(token);
        var now = time.GetUtcNow();
        if (token.StartsWith("pss_", StringComparison.Ordinal))
        {
            if (_sessions.TryGetValue(token, out var session) && session.Expires > now)
            {
                return session.Caller with { Source = source };
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
        return new Caller("key:" + key.Name, key.Role, scope, key.DeviceFilter, source);
    }
}
