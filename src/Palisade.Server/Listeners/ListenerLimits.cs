namespace Palisade.Server.Listeners;

/// <summary>
/// The HTTP bounds of one Kestrel listener (headers, request line, timeouts). The body bound belongs to what the
/// listener serves (<see cref="CwmpListenerLimits"/>, <see cref="Api.ApiLimits"/>), which hands it to
/// <see cref="KestrelListeners"/> with these.
/// </summary>
public sealed class ListenerLimits
{
    /// <summary>All request headers together, in bytes. Default 32 KiB.</summary>
    public int MaxRequestHeadersTotalBytes { get; set; } = 32 * 1024;

    /// <summary>The request line (method, target, version), in bytes. Default 8 KiB.</summary>
    public int MaxRequestLineBytes { get; set; } = 8 * 1024;

    /// <summary>The most request headers. Default 100 (Kestrel's).</summary>
    public int MaxRequestHeaderCount { get; set; } = 100;

    /// <summary>How long a client may take to send its headers (slowloris). Default 15 s.</summary>
    public TimeSpan RequestHeadersTimeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>How long an idle kept-alive connection stays open; null leaves it to the listener's owner.</summary>
    public TimeSpan? KeepAliveTimeout { get; set; }

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the first bound of <paramref name="listener"/> that is not sensible.</summary>
    public ListenerLimits Validate(string listener)
    {
        Require(MaxRequestHeadersTotalBytes is >= 1024 and <= 1024 * 1024, listener, "maxHeaderBytes", "between 1 KiB and 1 MiB");
        Require(MaxRequestLineBytes is >= 256 and <= 64 * 1024, listener, "maxRequestLineBytes", "between 256 B and 64 KiB");
        Require(MaxRequestHeaderCount is >= 8 and <= 1000, listener, "maxHeaderCount", "between 8 and 1000");
        Require(RequestHeadersTimeout >= TimeSpan.FromSeconds(1) && RequestHeadersTimeout <= TimeSpan.FromMinutes(5), listener, "headersTimeoutSeconds", "between 1 and 300 seconds");
        Require(KeepAliveTimeout is null || (KeepAliveTimeout >= TimeSpan.FromSeconds(1) && KeepAliveTimeout <= TimeSpan.FromHours(1)), listener, "keepAliveSeconds", "between 1 and 3600 seconds");
        return this;
    }

    internal static void Require(bool ok, string listener, string name, string range)
    {
        if (!ok)
        {
            throw new ArgumentOutOfRangeException($"{listener}.{name}", $"The limit {listener}.{name} must be {range}.");
        }
    }
}
