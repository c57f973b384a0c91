using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Mvc;
using Palisade.Acs.Access;

namespace Palisade.Server.Console.Pages.Admin;

/// <summary><c>/admin/users</c>: users, API keys and what each role may do. A new password or key is shown once.</summary>
public sealed class UsersPage : ConsolePage
{
    public IReadOnlyList<UserRecord> Users { get; private set; } = [];

    public IReadOnlyList<ApiKeyRecord> Keys { get; private set; } = [];

    /// <summary>A password or key just made: shown on this response only, never stored in clear.</summary>
    public (string What, string Secret)? Once { get; private set; }

    public async Task OnGetAsync()
    {
        Title = "Users and keys";
        await LoadAsync().ConfigureAwait(false);
    }

    public async Task OnPostCreateUserAsync([FromForm] string? name, [FromForm] string? role)
    {
        Title = "Users and keys";
        await TryAsync(async () =>
        {
            var (user, password) = await Services.Access.CreateUserAsync(Caller, new JsonObject { ["name"] = name, ["role"] = role }, HttpContext.RequestAborted).ConfigureAwait(false);
            Once = ($"The password of the user {user.Name}", password);
        }).ConfigureAwait(false);
        await LoadAsync().ConfigureAwait(false);
    }

    public async Task OnPostCreateKeyAsync([FromForm] string? name, [FromForm] string? role, [FromForm] string? deviceFilter, [FromForm] int? expiresInDays)
    {
        Title = "Users and keys";
        await TryAsync(async () =>
        {
            var body = new JsonObject { ["name"] = name, ["role"] = role };
            if (!string.IsNullOrWhiteSpace(deviceFilter))
            {
                body["deviceFilter"] = deviceFilter;
            }

            if (expiresInDays is { } days)
            {
                body["expiresInDays"] = days;
            }

            var (token, record) = await Services.Access.CreateKeyAsync(Caller, body, HttpContext.RequestAborted).ConfigureAwait(false);
            Once = ($"The key {record.Name}", token);
        }).ConfigureAwait(false);
        await LoadAsync().ConfigureAwait(false);
    }

    public async Task OnPostRevokeAsync([FromForm] string key)
    {
        Title = "Users and keys";
        if (await TryAsync(() => Services.Access.RevokeKeyAsync(Caller, key ?? string.Empty, HttpContext.RequestAborted)).ConfigureAwait(false))
        {
            Message = "The key is revoked.";
        }

        await LoadAsync().ConfigureAwait(false);
    }

    private async Task LoadAsync()
    {
        var ct = HttpContext.RequestAborted;
        if (Can(Permission.ManageUsers))
        {
            Users = await Services.Access.ListUsersAsync(Caller, ct).ConfigureAwait(false);
        }

        if (Can(Permission.ManageKeys))
        {
            Keys = await Services.Access.ListKeysAsync(Caller, ct).ConfigureAwait(false);
        }

        if (!Can(Permission.ManageUsers) && !Can(Permission.ManageKeys) && Message is null)
        {
            Fail(Acs.Services.ServiceException.Forbidden(Permission.ManageUsers));
        }
    }
}
