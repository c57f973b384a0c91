using Palisade.Acs.Files;
using Palisade.Server.Listeners;

namespace Palisade.Server.Files;

/// <summary>The file server: where it listens, its bounds, and how long its tokens live. Validated at start.</summary>
public sealed class FileServerOptions
{
    /// <summary>The https port (<c>--files-port</c>); default 7567; 0 picks a free one; -1 turns the file server off.</summary>
    public int Port { get; set; } = 7567;

    /// <summary>
    /// A plaintext port for devices that inform over plaintext (<c>--files-http-port</c>); off by default. Only devices
    /// whose session came over plaintext get URLs on it, never for configuration files, and each one is logged.
    /// </summary>
    public int? HttpPort { get; set; }

    /// <summary>The base URL devices are given (<c>--files-url</c>, e.g. behind a load balancer); default the first host name and the port.</summary>
    public string? PublicUrl { get; set; }

    /// <summary>How long a device's download URL works after its session handed it out. Default 1 hour.</summary>
    public TimeSpan TokenLifetime { get; set; } = TimeSpan.FromHours(1);

    /// <summary>At most this many transfers at once on this node; beyond it 503 with Retry-After. Default 64.</summary>
    public int MaxConcurrentTransfers { get; set; } = 64;

    /// <summary>The file store's bounds.</summary>
    public FileLimits Limits { get; } = new();

    /// <summary>Headers, request line and timeouts of the listener.</summary>
    public ListenerLimits Http { get; } = new();

    /// <summary>Operator public keys (PEM files) that operator signatures are verified against (<c>--operator-key</c>).</summary>
    public IList<string> OperatorKeyPaths { get; } = [];

    /// <summary>Throws naming the first setting out of range.</summary>
    public void Validate()
    {
        ListenerLimits.Require(Port is >= -1 and <= 65535, "files", "port", "between 0 and 65535, or -1 for off");
        ListenerLimits.Require(HttpPort is null or (>= 0 and <= 65535), "files", "httpPort", "between 0 and 65535");
        ListenerLimits.Require(TokenLifetime >= TimeSpan.FromMinutes(1) && TokenLifetime <= TimeSpan.FromDays(7), "files", "tokenLifetime", "between 1 minute and 7 days");
        ListenerLimits.Require(MaxConcurrentTransfers is >= 1 and <= 100_000, "files", "maxConcurrentTransfers", "between 1 and 100,000");
        ListenerLimits.Require(PublicUrl is null || (Uri.TryCreate(PublicUrl, UriKind.Absolute, out var u) && u.Scheme is "https" or "http"), "files", "url", "an absolute https URL");
        Http.Validate("files");
        Limits.Validate();
    }
}
