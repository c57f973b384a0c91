using Palisade.Acs.Access;

namespace Palisade.Storage.Contract;

/// <summary>What every store does for users and API keys (IAccessStore).</summary>
/// <typeparam name="TFactory">Opens the store under test.</typeparam>
public abstract class AccessStoreContract<TFactory> : StoreContract<TFactory>
    where TFactory : IStoreFactory, new()
{
    [Fact]
    public async Task A_user_reads_back_and_failed_logins_count_up_lock_and_reset_on_success()
    {
        Assert.False(await Store.AnyUserAsync(default));
        await Store.CreateUserAsync(new UserRecord("admin", Roles.Admin, "hash", 0, null, T0), default);
        Assert.True(await Store.AnyUserAsync(default));
        Assert.Equal(new UserRecord("admin", Roles.Admin, "hash", 0, null, T0), await Store.GetUserAsync("admin", default));
        Assert.Null(await Store.GetUserAsync("nobody", default));

        await Store.RecordLoginAsync("admin", false, null, default);
        await Store.RecordLoginAsync("admin", false, T0.AddMinutes(15), default);
        var locked = await Store.GetUserAsync("admin", default);
        Assert.Equal(2, locked!.FailedLogins);
        Assert.Equal(T0.AddMinutes(15), locked.LockedUntil);

        await Store.RecordLoginAsync("admin", true, null, default);
        var back = await Store.GetUserAsync("admin", default);
        Assert.Equal(0, back!.FailedLogins);
        Assert.Null(back.LockedUntil);
    }

    [Fact]
    public async Task Users_are_listed_by_name_and_a_password_is_replaced_for_that_user_only()
    {
        await Store.CreateUserAsync(new UserRecord("noc", Roles.Viewer, "h1", 0, null, T0), default);
        await Store.CreateUserAsync(new UserRecord("admin", Roles.Admin, "h2", 0, null, T0), default);
        Assert.True(await Store.SetPasswordAsync("noc", "h3", default));
        Assert.False(await Store.SetPasswordAsync("nobody", "h4", default));
        var users = await Store.ListUsersAsync(default);
        Assert.Equal(["admin", "noc"], users.Select(u => u.Name));
        Assert.Equal(["h2", "h3"], users.Select(u => u.PasswordHash));
    }

    [Fact]
    public async Task A_second_user_of_the_same_name_is_refused()
    {
        await Store.CreateUserAsync(new UserRecord("admin", Roles.Admin, "hash", 0, null, T0), default);
        var error = await Assert.ThrowsAsync<Acs.Storage.StoreException>(() => Store.CreateUserAsync(new UserRecord("admin", Roles.Viewer, "other", 0, null, T0), default));
        Assert.Equal(Acs.Storage.StoreErrorReason.Rejected, error.Reason);
        Assert.Equal("hash", (await Store.GetUserAsync("admin", default))!.PasswordHash);
    }

    [Fact]
    public async Task Keys_are_listed_oldest_first_and_revoked_once()
    {
        var ops = new ApiKeyRecord("0123456789abcdef", "ops", Roles.Operator, [1, 2, 3], "tag = \"beta\"", T0, T0.AddDays(30), null, "user:admin");
        var viewer = new ApiKeyRecord("fedcba9876543210", "dash", Roles.Viewer, [4, 5], null, T0.AddMinutes(1), null, null, "cli:root");
        await Store.CreateKeyAsync(viewer, default);
        await Store.CreateKeyAsync(ops, default);

        var read = await Store.GetKeyAsync("0123456789abcdef", default);
        Assert.NotNull(read);
        Assert.Equal(ops.SecretHash, read.SecretHash);
        Assert.Equal(ops with { SecretHash = read.SecretHash }, read);
        Assert.Null(await Store.GetKeyAsync("ffffffffffffffff", default));
        Assert.Equal(["0123456789abcdef", "fedcba9876543210"], (await Store.ListKeysAsync(default)).Select(k => k.Id));

        Assert.True(await Store.RevokeKeyAsync("fedcba9876543210", T0.AddHours(1), default));
        Assert.False(await Store.RevokeKeyAsync("fedcba9876543210", T0.AddHours(2), default));
        Assert.False(await Store.RevokeKeyAsync("ffffffffffffffff", T0.AddHours(2), default));
        Assert.Equal(T0.AddHours(1), (await Store.GetKeyAsync("fedcba9876543210", default))!.RevokedAt);
        Assert.False((await Store.GetKeyAsync("fedcba9876543210", default))!.IsUsable(T0.AddHours(1)));
    }
}
