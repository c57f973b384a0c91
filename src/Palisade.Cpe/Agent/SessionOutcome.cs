namespace Palisade.Cpe.Agent;

/// <summary>How one CWMP session ended, from the CPE's side.</summary>
/// <param name="Success">The session ended with the ACS's 204.</param>
/// <param name="ErrorKind">For a failure, a short stable kind (tls, connect, timeout, auth, busy, http-400, protocol, …).</param>
/// <param name="Detail">For a failure, what happened, for humans.</param>
/// <param name="RetryAfter">For 503: how long the ACS asked to wait.</param>
/// <param name="AcsRequests">The ACS requests handled in the session.</param>
public sealed record SessionOutcome(bool Success, string? ErrorKind, string? Detail, TimeSpan? RetryAfter, int AcsRequests)
{
    public static SessionOutcome Ok(int requests) => new(true, null, null, null, requests);

    public static SessionOutcome Fail(string kind, string detail, TimeSpan? retryAfter = null) => new(false, kind, detail, retryAfter, 0);

    public override string ToString() => Success ? $"ok ({AcsRequests} requests)" : $"{ErrorKind}: {Detail}";
}
