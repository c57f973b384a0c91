using System.Text.Json.Nodes;
using Microsoft.Extensions.Time.Testing;
using Palisade.Acs.Access;
using Palisade.Acs.Audit;
using Palisade.Acs.Services;

namespace Palisade.Acs.Tests.Access;

/// <summary>Password guessing is slowed by growing delays per source and per name; no stranger can lock an owner out.</summary>
public sealed class SignInServiceTests
{
    private const string Password = "correct-horse-battery-staple";
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 6, 9, 0, 0, TimeSpan.Zero));
    private readonly MemoryAccessStore _store = new();
    private readonly SignInService _signIn;

    public SignInServiceTests()
    {
        _store.CreateUserAsync(new UserRecord("admin", Roles.Admin, PasswordHasher.Hash(Password), 0, null, _time.GetUtcNow()), CancellationToken.None).GetAwaiter().GetResult();
        var audit = new AuditService(_store, _time);
        _signIn = new SignInService(_store, audit, new RefusalAudit(audit, _time), new SignInOptions(), _time);
    }

    [Fact]
    public async Task A_stranger_guessing_from_elsewhere_delays_the_owner_by_seconds_never_locks_them_out()
    {
        // A patient stranger: waits out every delay and guesses again, twelve times.
        for (var failures = 0; failures < 12;)
        {
            var e = await Assert.ThrowsAsync<ServiceException>(() => _signIn.LoginAsync(Body("admin", "guess"), "198.51.100.7", CancellationToken.None));
            if (e.RetryAfter is { } wait)
            {
                _time.Advance(wait);
            }
            else
            {
                failures++;
            }
        }

        // The account's wait is capped at a minute, whoever failed; the owner's own address is not slowed at all.
        _time.Advance(TimeSpan.FromSeconds(61));
        var session = await _signIn.LoginAsync(Body("admin", Password), "192.0.2.10", CancellationToken.None);
        Assert.NotNull(await _signIn.ResolveAsync(session.Token, "192.0.2.10", CancellationToken.None));

        // The stranger's own address waits far longer.
        var stranger = await Assert.ThrowsAsync<ServiceException>(() => _signIn.LoginAsync(Body("admin", Password), "198.51.100.7", CancellationToken.None));
        Assert.Equal(ServiceErrorReason.Throttled, stranger.Reason);
        Assert.True(stranger.RetryAfter > TimeSpan.FromMinutes(3), stranger.RetryAfter.ToString());
    }

    [Fact]
    public async Task Delays_grow_with_each_failure_and_a_success_clears_them()
    {
        var waits = new List<TimeSpan>();
        var failures = 0;
        while (waits.Count < 8)
        {
            var e = await Assert.ThrowsAsync<ServiceException>(() => _signIn.LoginAsync(Body("admin", "guess"), "192.0.2.1", CancellationToken.None));
            if (e.Reason == ServiceErrorReason.Throttled)
            {
                waits.Add(e.RetryAfter!.Value);
                _time.Advance(e.RetryAfter.Value);
            }
            else
            {
                failures++;
            }
        }

        Assert.Equal(12, failures);
        // One address doubles on (up to 15 minutes); the success below clears it.
        Assert.Equal([2, 4, 8, 16, 32, 64, 128, 256], waits.Select(w => (int)w.TotalSeconds));
        _time.Advance(TimeSpan.FromMinutes(10));
        await _signIn.LoginAsync(Body("admin", Password), "192.0.2.1", CancellationToken.None);
        var after = await Assert.ThrowsAsync<ServiceException>(() => _signIn.LoginAsync(Body("admin", "guess"), "192.0.2.1", CancellationToken.None));
        Assert.Equal(ServiceErrorReason.Unauthenticated, after.Reason);
    }

    [Fact]
    public async Task Known_and_unknown_names_are_refused_alike()
    {
        foreach (var name in new[] { "admin", "nobody" })
        {
            var reasons = new List<(ServiceErrorReason, TimeSpan?)>();
            for (var i = 0; i < 7; i++)
            {
                var e = await Assert.ThrowsAsync<ServiceException>(() => _signIn.LoginAsync(Body(name, "guess"), "203.0.113." + name.Length, CancellationToken.None));
                reasons.Add((e.Reason, e.RetryAfter));
            }

            Assert.Equal(
                [(ServiceErrorReason.Unauthenticated, null), (ServiceErrorReason.Unauthenticated, null), (ServiceErrorReason.Unauthenticated, null), (ServiceErrorReason.Unauthenticated, null),
                 (ServiceErrorReason.Unauthenticated, null), (ServiceErrorReason.Throttled, TimeSpan.FromSeconds(2)), (ServiceErrorReason.Throttled, TimeSpan.FromSeconds(2))],
                reasons);
        }
    }

    [Fact]
    public async Task Logout_ends_the_session_and_sessions_end_after_their_lifetime()
    {
        var first = await _signIn.LoginAsync(Body("admin", Password), "192.0.2.1", CancellationToken.None);
        Assert.Equal(_time.GetUtcNow() + TimeSpan.FromHours(1), first.Expires);
        Assert.True(await _signIn.LogoutAsync(first.Token, "192.0.2.1"));
        Assert.Null(await _signIn.ResolveAsync(first.Token, "192.0.2.1", CancellationToken.None));
        Assert.False(await _signIn.LogoutAsync(first.Token, "192.0.2.1"));

        // Used every ten minutes (never idle), it still ends an hour after the login.
        var second = await _signIn.LoginAsync(Body("admin", Password), "192.0.2.1", CancellationToken.None);
        foreach (var minutes in new[] { 10, 10, 10, 10, 10, 9 })
        {
            _time.Advance(TimeSpan.FromMinutes(minutes));
            Assert.NotNull(await _signIn.ResolveAsync(second.Token, "192.0.2.1", CancellationToken.None));
        }

        _time.Advance(TimeSpan.FromMinutes(1));
        Assert.Null(await _signIn.ResolveAsync(second.Token, "192.0.2.1", CancellationToken.None));
        Assert.Contains(_store.Audit, e => e.Action == "user.logout");
    }

    [Fact]
    public async Task A_session_unused_for_the_idle_timeout_ends_and_its_end_is_audited_once()
    {
        var session = await _signIn.LoginAsync(Body("admin", Password), "192.0.2.1", CancellationToken.None);

        // Each use restarts the idle clock: 28 minutes after the login it is still open.
        _time.Advance(TimeSpan.FromMinutes(14));
        Assert.NotNull(await _signIn.ResolveAsync(session.Token, "192.0.2.1", CancellationToken.None));
        _time.Advance(TimeSpan.FromMinutes(14));
        Assert.NotNull(await _signIn.ResolveAsync(session.Token, "192.0.2.1", CancellationToken.None));

        // Unused for longer than 15 minutes: refused, for good, and audited as a logout for idleness.
        _time.Advance(TimeSpan.FromMinutes(15) + TimeSpan.FromSeconds(1));
        Assert.Null(await _signIn.ResolveAsync(session.Token, "192.0.2.1", CancellationToken.None));
        Assert.Null(await _signIn.ResolveAsync(session.Token, "192.0.2.1", CancellationToken.None));
        var ended = Assert.Single(_store.Audit, e => e.Action == "user.logout");
        Assert.Equal("idle", JsonNode.Parse(ended.Detail)!["reason"]!.GetValue<string>());
        Assert.False(await _signIn.LogoutAsync(session.Token, "192.0.2.1"));
    }

    [Fact]
    public async Task Failed_logins_are_audited_but_a_flood_writes_one_entry_a_minute_per_source()
    {
        for (var i = 0; i < 200; i++)
        {
            await FailOrWaitAsync("198.51.100.9", i % 2 == 0 ? "admin" : "user" + i, "guess");
        }

        var failed = _store.Audit.Where(e => e.Action.StartsWith("user.login-", StringComparison.Ordinal)).ToList();
        Assert.Equal(["user.login-failed", "user.login-throttled"], failed.Select(e => e.Action).Order());
        _time.Advance(TimeSpan.FromMinutes(20));
        await FailOrWaitAsync("198.51.100.9", "admin", "guess");
        var next = _store.Audit.Last(e => e.Action.StartsWith("user.login-", StringComparison.Ordinal));
        Assert.True(JsonNode.Parse(next.Detail)!["suppressed"]!.GetValue<long>() > 0, next.Detail);
    }

    private async Task FailOrWaitAsync(string source, string name, string password)
    {
        var e = await Assert.ThrowsAsync<ServiceException>(() => _signIn.LoginAsync(Body(name, password), source, CancellationToken.None));
        Assert.Contains(e.Reason, new[] { ServiceErrorReason.Unauthenticated, ServiceErrorReason.Throttled });
    }

    private static JsonObject Body(string name, string password) => new() { ["username"] = name, ["password"] = password };
}
