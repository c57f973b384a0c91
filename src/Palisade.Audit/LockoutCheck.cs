using System.Text.Json;

namespace Palisade.Audit;

/// <summary>
/// Whether a stranger can lock an account: wrong passwords for it, then the right one (issue 24, medium 12). It
/// changes the server's state (an account may stay locked for a while), so it runs only with --destructive-checks.
/// </summary>
internal static class LockoutCheck
{
    /// <summary>One more than the five failures that used to lock an account.</summary>
    public const int WrongAttempts = 6;

    private static readonly TimeSpan LongestWait = TimeSpan.FromSeconds(30);

    public static async Task RunAsync(HttpProbe http, AuditOptions options, List<Finding> findings, CancellationToken cancellationToken)
    {
        if (!options.DestructiveChecks)
        {
            return;
        }

        if (options.LoginPassword is null)
        {
            findings.Add(new("lockout-not-checked", Severity.Info, "Account lockout not checked", "--destructive-checks needs the account's real password (--login-password or PALISADE_AUDIT_LOGIN_PASSWORD)",
                "Give the password of the account to check (default admin)."));
            return;
        }

        var login = new Uri(options.EffectiveApiUrl, "/api/v1/login");
        for (var i = 0; i < WrongAttempts; i++)
        {
            await http.SendJsonAsync(HttpMethod.Post, login, Body(options.LoginUser, $"palisade-audit-wrong-{i}"), null, cancellationToken).ConfigureAwait(false);
        }

        var right = await http.SendJsonAsync(HttpMethod.Post, login, Body(options.LoginUser, options.LoginPassword), null, cancellationToken).ConfigureAwait(false);
        if (right.Status == 0)
        {
            findings.Add(new("lockout-not-checked", Severity.Info, "Account lockout not checked", $"the API at {login} did not answer: {right.Error}", "Give the API URL with --api-url."));
            return;
        }

        // A short, growing delay is a throttle the owner can wait out; wait once, as the owner would.
        if (right.Status != 200 && right.Headers.RetryAfter is { } wait && wait <= LongestWait)
        {
            await Task.Delay(wait + TimeSpan.FromMilliseconds(500), cancellationToken).ConfigureAwait(false);
            right = await http.SendJsonAsync(HttpMethod.Post, login, Body(options.LoginUser, options.LoginPassword), null, cancellationToken).ConfigureAwait(false);
        }

        if (right.Status != 200)
        {
            var retry = right.Headers.RetryAfter is { } after ? $" (Retry-After {after.TotalSeconds:0} s)" : string.Empty;
            findings.Add(new("login-lockout-by-stranger", Severity.Medium, "A stranger can lock an account",
                $"after {WrongAttempts} wrong passwords for '{options.LoginUser}', the right password got {right.Status}{retry}",
                "Throttle failed logins by source and by account with growing delays instead of a hard lock a stranger controls; keep auditing the failures."));
        }
    }

    private static string Body(string user, string password) =>
        JsonSerializer.Serialize(new Dictionary<string, string> { ["username"] = user, ["password"] = password }, AuditJson.Default.DictionaryStringString);
}
