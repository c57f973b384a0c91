using System.Net;

namespace Palisade.Server.Api;

/// <summary>How the northbound API behaves.</summary>
public sealed class ApiOptions
{
    /// <summary>The API port (HTTPS). 0 picks a free port; -1 turns the API off.</summary>
    public int Port { get; set; } = 7557;

    /// <summary>
    /// Addresses the API listens on: loopback unless the operator says otherwise, and never where CWMP listens
    /// merely because CWMP does (logins, keys and users stay off the CPE network).
    /// </summary>
    public IList<IPAddress> Listen { get; } = [IPAddress.Loopback];

    /// <summary>Every bound of the API listener.</summary>
    public ApiLimits Limits { get; } = new();

    /// <summary>Hosts a device's ManagementServer.URL may be set to through the API.</summary>
    public IList<string> AcsUrlAllowList { get; } = [];

    /// <summary>The https ACS URL a moveToHttps task without a url moves devices to; set by the host at start.</summary>
    public string? DefaultAcsUrl { get; set; }

    /// <summary>The CWMP Digest realm, for credentials stored by an import; set by the host at start.</summary>
    public string DigestRealm { get; set; } = "palisade";

    /// <summary>Tasks not done by then end as expired.</summary>
    public TimeSpan DefaultTaskExpiry { get; set; } = TimeSpan.FromDays(7);

    /// <summary>Requests per minute per key (or per address for unauthenticated calls).</summary>
    public int RequestsPerMinute { get; set; } = 600;

    /// <summary>
    /// Serve <c>/metrics</c> without a key (for a scraper on a private management network). Off by default: a scrape
    /// needs a key with the read-metrics permission (role monitor).
    /// </summary>
    public bool MetricsWithoutKey { get; set; }

    /// <summary>How long a session token from a login is valid (1 minute to 24 hours).</summary>
    public TimeSpan SessionLifetime { get; set; } = TimeSpan.FromHours(1);

    /// <summary>A session token (the API's or the console's) unused for this long ends (1 minute to 24 hours).</summary>
    public TimeSpan SessionIdleTimeout { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>The web console served on this port (docs/console.md).</summary>
    public Console.ConsoleOptions Console { get; } = new();
}
