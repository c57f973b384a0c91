using System.Text.Json.Nodes;
using Palisade.Acs.Audit;
using Palisade.Acs.Query;
using Palisade.Acs.Services;

namespace Palisade.Acs.Access;

/// <summary>API keys and users: created with a role, shown once, revoked, every change audited.</summary>
public sealed class AccessService(IAccessStore store, AuditService audit, TimeProvider time)
{
    /// <summary>Every key (never a secret).</summary>
    public async Task<IReadOnlyList<ApiKeyRecord>> ListKeysAsync(Caller caller, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        caller.Demand(Permission.ManageKeys);
        var keys = await store.ListKeysAsync(cancellationToken).ConfigureAwait(false);

        // A key limited to a device filter manages only the keys it made, never the fleet-wide ones.
        return caller.DeviceScope is null ? keys : [.. keys.Where(k => k.CreatedBy == caller.Actor)];
    }

    /// <summary>Creates a key from <c>{"name", "role", "deviceFilter"?, "expiresInDays"?}</c>; the token is returned once.</summary>
    public async Task<(string Token, ApiKeyRecord Record)> CreateKeyAsync(Caller caller, JsonNode? body, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        caller.Demand(Permission.ManageKeys);
        var o = JsonFields.Object(body, "{\"name\": \"ops\", \"role\": \"operator\"}");
        var name = JsonFields.String(o, "name", 128);
        var role = JsonFields.String(o, "role", 32);
        var filter = JsonFields.String(o, "deviceFilter", FilterParser.MaxLength);
        var days = JsonFields.Int(o, "expiresInDays", 1, 3650);
        if (string.IsNullOrWhiteSpace(name) || role is null || !Roles.Exists(role))
        {
            throw ServiceException.Invalid(string.IsNullOrWhiteSpace(name) ? "name" : "role", $"A key needs a name (1–128 characters) and a role ({string.Join(", ", Roles.All)}).");
        }

        // No one hands out more than they hold: the role's permissions must all be the caller's, and a caller
        // limited to a device filter can only mint keys limited to that filter (narrowed further if asked).
        if (!Roles.Covers(caller.Role, role))
        {
            throw ServiceException.Forbidden($"A '{caller.Role}' cannot grant the role '{role}': it includes permissions the caller does not hold.");
        }

        var now = time.GetUtcNow();
        if (filter is not null)
        {
            Filters.Parse(filter, now, "deviceFilter");
        }

        if (caller.DeviceScopeText is { } scope)
        {
            filter = filter is null ? scope : $"({scope}) AND ({filter})";
            if (filter.Length > FilterParser.MaxLength)
            {
                throw ServiceException.Invalid("deviceFilter", "The device filter and this key's own scope together are longer than a filter may be.");
            }

            Filters.Parse(filter, now, "deviceFilter");
        }

        var (token, record) = ApiKeys.Create(name, role, filter, now, days is { } d ? now.AddDays(d) : null, caller.Actor);
        await store.CreateKeyAsync(record, cancellationToken).ConfigureAwait(false);
        await audit.RecordAsync(caller, "key.create", "key:" + record.Id, new JsonObject { ["name"] = name, ["role"] = role, ["deviceFilter"] = filter }).ConfigureAwait(false);
        return (token, record);
    }

    /// <summary>Revokes a key at once.</summary>
    public async Task RevokeKeyAsync(Caller caller, string keyId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        caller.Demand(Permission.ManageKeys);
        if (caller.DeviceScope is not null && (await store.GetKeyAsync(keyId, cancellationToken).ConfigureAwait(false))?.CreatedBy != caller.Actor)
        {
            throw ServiceException.NotFound("key");
        }

        if (!await store.RevokeKeyAsync(keyId, time.GetUtcNow(), cancellationToken).ConfigureAwait(false))
        {
            throw ServiceException.NotFound("key");
        }

        await audit.RecordAsync(caller, "key.revoke", "key:" + keyId, []).ConfigureAwait(false);
    }

    /// <summary>Every user with role and creation time (never the password hash's use outside this service).</summary>
    public async Task<IReadOnlyList<UserRecord>> ListUsersAsync(Caller caller, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        caller.Demand(Permission.ManageUsers);
        return [.. (await store.ListUsersAsync(cancellationToken).ConfigureAwait(false)).Select(u => u with { PasswordHash = string.Empty })];
    }

    /// <summary>Creates a user from <c>{"name", "role"}</c> with a generated password, returned once.</summary>
    public async Task<(UserRecord User, string Password)> CreateUserAsync(Caller caller, JsonNode? body, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        caller.Demand(Permission.ManageUsers);
        var o = JsonFields.Object(body, "{\"name\": \"noc-1\", \"role\": \"viewer\"}");
        var name = JsonFields.String(o, "name", 64);
        var role = JsonFields.String(o, "role", 32);
        if (name is null || name.Length == 0 || !name.All(ch => char.IsAsciiLetterOrDigit(ch) || ch is '.' or '-' or '_') || role is null || !Roles.Exists(role))
        {
            throw ServiceException.Invalid(name is null || name.Length == 0 ? "name" : "role", $"A user needs a name (1–64 letters, digits, '.', '-', '_') and a role ({string.Join(", ", Roles.All)}).");
        }

        // Users see the whole fleet (they have no device scope): a caller that does not, cannot create one; nor
        // can anyone create a user with permissions the caller does not hold.
        if (caller.DeviceScope is not null)
        {
            throw ServiceException.Forbidden("A key limited to a device filter cannot create users: a user sees the whole fleet.");
        }

        if (!Roles.Covers(caller.Role, role))
        {
            throw ServiceException.Forbidden($"A '{caller.Role}' cannot grant the role '{role}': it includes permissions the caller does not hold.");
        }

        if (await store.GetUserAsync(name, cancellationToken).ConfigureAwait(false) is not null)
        {
            throw ServiceException.Conflict("A user with that name exists.");
        }

        // The password is generated and shown once: no weak choice, no default.
        var password = Security.Secrets.PasswordGenerator.Generate();
        var user = new UserRecord(name, role, PasswordHasher.Hash(password), 0, null, time.GetUtcNow());
        await store.CreateUserAsync(user, cancellationToken).ConfigureAwait(false);
        await audit.RecordAsync(caller, "user.create", "user:" + name, new JsonObject { ["role"] = role }).ConfigureAwait(false);
        return (user, password);
    }
}
