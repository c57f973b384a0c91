using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Palisade.Acs.Audit;
using Palisade.Acs.Query;
using Palisade.Acs.Services;

namespace Palisade.Acs.Access;

/// <summary>
/// Who a bearer token is: an API key (<c>pal_…</c>, checked against its stored hash in constant time, not revoked,
/// not expired) or a session token from a user's login (<c>pss_…</c>, ended by logout, by going unused for
/// <see cref="SignInOptions.IdleTimeout"/>, or by its lifetime; the API and the console both resolve tokens here). Password
/// guessing is slowed by <see cref="LoginThrottle"/>, never by a lock; keys are never throttled by it. Every failed
/// login is audited through <see cref="RefusalAudit"/>.
/// </summary>
public sealed class SignInService
{
    private static readonly string Decoy = PasswordHasher.Hash(Convert.ToHexString(RandomNumberGenerator.GetBytes(16)));
    private readonly ConcurrentDictionary<string, (Caller Caller, DateTimeOffset Expires, DateTimeOffset LastSeen)> _sessions = new(StringComparer.Ordinal);
    private readonly IAccessStore _store;
    private readonly AuditService _audit;
    private readonly RefusalAudit _refusals;
    private readonly SignInOptions _options;
    private readonly TimeProvider _time;
    private readonly LoginThrottle _throttle;

    /// <summary>Creates the service.</summary>
    public SignInService(IAccessStore store, AuditService audit, RefusalAudit refusals, SignInOptions options, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        (_store, _audit, _refusals, _options, _time) = (store, audit, refusals, options, time);
        _throttle = new LoginThrottle(options, time);
    }

    /// <summary>
    /// Checks a user name and password from <c>{"username", "password"}</c> and opens a session. Every refusal is the
    /// same for a known and an unknown name: 401 for a wrong pair, 429 with a wait while attempts are slowed.
    /// </summary>
    public async Task<SignInResult> LoginAsync(JsonNode? body, string source, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(source);
        const string Shape = "The body must be {\"username\": …, \"password\": …}.";
        var o = body as JsonObject ?? throw ServiceException.Invalid("body", Shape);
        var name = JsonFields.String(o, "username", 64);
        var password = JsonFields.String(o, "password", 1024);
        if (name is null || password is null)
        {
            throw ServiceException.Invalid(name is null ? "username" : "password", Shape);
        }

        // Checked before the password is hashed: a slowed attempt costs no hashing and learns nothing.
        if (_throttle.Wait(source, name) is { } wait)
        {
            await _refusals.RecordAsync("user:" + name, source, "user.login-throttled", "user:" + name).ConfigureAwait(false);
            throw new ServiceException(ServiceErrorReason.Throttled, "Too many failed logins from here or for this name; wait and try again.", retryAfter: wait);
        }

        var now = _time.GetUtcNow();
        var user = await _store.GetUserAsync(name, cancellationToken).ConfigureAwait(false);

        // Hash even for an unknown user, so that timing does not tell which user names exist.
        var ok = PasswordHasher.Verify(password, user?.PasswordHash ?? Decoy);
        if (user is null || !ok)
        {
            _throttle.Failed(source, name);
            if (user is not null)
            {
                await _store.RecordLoginAsync(name, false, null, cancellationToken).ConfigureAwait(false);
            }

            await _refusals.RecordAsync("user:" + name, source, "user.login-failed", "user:" + name).ConfigureAwait(false);
            throw new ServiceException(ServiceErrorReason.Unauthenticated, "Wrong user name or password.");
        }

        _throttle.Succeeded(source, name);
        await _store.RecordLoginAsync(name, true, null, cancellationToken).ConfigureAwait(false);
        var token = "pss_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
        var expires = now + _options.SessionLifetime;
        Bound(now);
        _sessions[token] = (new Caller("user:" + user.Name, user.Role, null, null), expires, now);
        await _audit.RecordAsync("user:" + user.Name, source, "user.login", "user:" + user.Name, []).ConfigureAwait(false);
        return new SignInResult(token, expires, user.Role);
    }

    /// <summary>
    /// Changes a signed-in user's own password: the current one must be given (slowed like a login when wrong), the new
    /// one must be 12–1024 characters and differ from it and from the name. Every other session of the user ends.
    /// </summary>
    public async Task ChangePasswordAsync(Caller caller, string currentToken, string current, string next, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(current);
        ArgumentNullException.ThrowIfNull(next);
        if (!caller.Actor.StartsWith("user:", StringComparison.Ordinal))
        {
            throw ServiceException.Forbidden("Only a signed-in user has a password to change.");
        }

        var name = caller.Actor["user:".Length..];
        if (_throttle.Wait(caller.Source, name) is { } wait)
        {
            throw new ServiceException(ServiceErrorReason.Throttled, "Too many wrong passwords from here or for this name; wait and try again.", retryAfter: wait);
        }

        var user = await _store.GetUserAsync(name, cancellationToken).ConfigureAwait(false);
        if (user is null || current.Length > 1024 || !PasswordHasher.Verify(current, user.PasswordHash))
        {
            _throttle.Failed(caller.Source, name);
            await _refusals.RecordAsync(caller.Actor, caller.Source, "user.password-change-failed", caller.Actor).ConfigureAwait(false);
            throw ServiceException.Invalid("current", "The current password is wrong.");
        }

        if (next.Length is < 12 or > 1024 || next == current || string.Equals(next, name, StringComparison.OrdinalIgnoreCase))
        {
            throw ServiceException.Invalid("next", "The new password must be 12 to 1024 characters and differ from the current password and the user name.");
        }

        _throttle.Succeeded(caller.Source, name);
        if (!await _store.SetPasswordAsync(name, PasswordHasher.Hash(next), cancellationToken).ConfigureAwait(false))
        {
            throw ServiceException.NotFound("user");
        }

        foreach (var (token, session) in _sessions)
        {
            if (session.Caller.Actor == caller.Actor && token != currentToken)
            {
                _sessions.TryRemove(token, out _);
            }
        }

        await _audit.RecordAsync(caller.Actor, caller.Source, "user.password-change", caller.Actor, []).ConfigureAwait(false);
    }

    /// <summary>Ends a session at once; false when the token was not an open session.</summary>
    public async Task<bool> LogoutAsync(string token, string source)
    {
        ArgumentNullException.ThrowIfNull(token);
        if (!_sessions.TryRemove(token, out var session))
        {
            return false;
        }

        await _audit.RecordAsync(session.Caller.Actor, source, "user.logout", session.Caller.Actor, []).ConfigureAwait(false);
        return true;
    }

    /// <summary>The caller a bearer token stands for, or null when it is unknown, expired or revoked.</summary>
    public async Task<Caller?> ResolveAsync(string token, string source, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(token);
        var now = _time.GetUtcNow();
        if (token.StartsWith("pss_", StringComparison.Ordinal))
        {
            if (!_sessions.TryGetValue(token, out var session))
            {
                return null;
            }

            if (now - session.LastSeen > _options.IdleTimeout)
            {
                // Idle too long: ended as if logged out, once (a concurrent request that removed it first audits it).
                if (_sessions.TryRemove(new KeyValuePair<string, (Caller, DateTimeOffset, DateTimeOffset)>(token, session)))
                {
                    await _audit.RecordAsync(session.Caller.Actor, source, "user.logout", session.Caller.Actor, new JsonObject { ["reason"] = "idle" }).ConfigureAwait(false);
                }

                return null;
            }

            if (session.Expires <= now)
            {
                _sessions.TryRemove(token, out _);
                return null;
            }

            // Only a session still open is touched: a logout in between is never undone.
            _sessions.TryUpdate(token, session with { LastSeen = now }, session);
            return session.Caller with { Source = source };
        }

        if (!ApiKeys.TryParse(token, out var id, out var secret))
        {
            return null;
        }

        var key = await _store.GetKeyAsync(id, cancellationToken).ConfigureAwait(false);
        if (key is null || !ApiKeys.Verify(key, secret) || !key.IsUsable(now))
        {
            return null;
        }

        var scope = key.DeviceFilter is null ? null : FilterParser.Parse(key.DeviceFilter, now);
        return new Caller("key:" + key.Name, key.Role, scope, key.DeviceFilter, source);
    }

    // Expired and idle sessions go first; past the bound, the one that expires soonest ends.
    private void Bound(DateTimeOffset now)
    {
        if (_sessions.Count < _options.MaxSessions)
        {
            return;
        }

        foreach (var (token, session) in _sessions)
        {
            if (session.Expires <= now || now - session.LastSeen > _options.IdleTimeout)
            {
                _sessions.TryRemove(token, out _);
            }
        }

        while (_sessions.Count >= _options.MaxSessions && _sessions.MinBy(s => s.Value.Expires) is { Key: { } oldest })
        {
            _sessions.TryRemove(oldest, out _);
        }
    }
}
