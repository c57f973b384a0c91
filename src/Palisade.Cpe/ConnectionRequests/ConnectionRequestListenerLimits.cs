namespace Palisade.Cpe.ConnectionRequests;

/// <summary>
/// Every bound of the CPE's connection-request listener: a request is a bare GET, so headers, request line and
/// timeouts are small, and no body is read at all. Validated at start.
/// </summary>
public sealed class ConnectionRequestListenerLimits
{
    /// <summary>All request headers together, in bytes. Default 8 KiB.</summary>
    public int MaxRequestHeadersTotalBytes { get; set; } = 8 * 1024;

    /// <summary>The request line, in bytes. Default 2 KiB.</summary>
    public int MaxRequestLineBytes { get; set; } = 2048;

    /// <summary>The most request headers. Default 32.</summary>
    public int MaxRequestHeaderCount { get; set; } = 32;

    /// <summary>How long a client may take to send its headers. Default 5 s.</summary>
    public TimeSpan RequestHeadersTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How long an idle kept-alive connection stays open. Default 10 s.</summary>
    public TimeSpan KeepAliveTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Digest responses remembered against replay. Default 100,000.</summary>
    public int MaxReplayEntries { get; set; } = 100_000;

    /// <summary>How long a Digest nonce of this listener is valid. Default 2 minutes.</summary>
    public TimeSpan NonceLifetime { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the first bound that is not sensible.</summary>
    public ConnectionRequestListenerLimits Validate()
    {
        Require(MaxRequestHeadersTotalBytes is >= 1024 and <= 1024 * 1024, nameof(MaxRequestHeadersTotalBytes));
        Require(MaxRequestLineBytes is >= 256 and <= 64 * 1024, nameof(MaxRequestLineBytes));
        Require(MaxRequestHeaderCount is >= 8 and <= 1000, nameof(MaxRequestHeaderCount));
        Require(RequestHeadersTimeout >= TimeSpan.FromSeconds(1) && RequestHeadersTimeout <= TimeSpan.FromMinutes(5), nameof(RequestHeadersTimeout));
        Require(KeepAliveTimeout >= TimeSpan.FromSeconds(1) && KeepAliveTimeout <= TimeSpan.FromHours(1), nameof(KeepAliveTimeout));
        Require(MaxReplayEntries is >= 100 and <= 10_000_000, nameof(MaxReplayEntries));
        Require(NonceLifetime >= TimeSpan.FromSeconds(10) && NonceLifetime <= TimeSpan.FromHours(1), nameof(NonceLifetime));
        return this;
    }

    private static void Require(bool ok, string name)
    {
        if (!ok)
        {
            throw new ArgumentOutOfRangeException(name, $"ConnectionRequestListenerLimits.{name} is out of its sensible range.");
        }
    }
}
