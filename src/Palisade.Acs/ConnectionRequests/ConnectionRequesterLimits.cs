namespace Palisade.Acs.ConnectionRequests;

/// <summary>Every bound of the ACS's outbound connection requests: how long a CPE may take and how much of its answer is read. Validated at start.</summary>
public sealed class ConnectionRequesterLimits
{
    /// <summary>How long connecting to a CPE may take. Default 5 s.</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How long a whole request (both Digest rounds) may take. Default 10 s.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The most bytes of a CPE's answer buffered (only the status matters). Default 64 KiB.</summary>
    public int MaxResponseBytes { get; set; } = 64 * 1024;

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the first bound that is not sensible.</summary>
    public ConnectionRequesterLimits Validate()
    {
        Require(ConnectTimeout >= TimeSpan.FromMilliseconds(100) && ConnectTimeout <= TimeSpan.FromMinutes(1), "connectTimeoutSeconds", "between 0.1 and 60 seconds");
        Require(Timeout >= ConnectTimeout && Timeout <= TimeSpan.FromMinutes(2), "timeoutSeconds", "between the connect timeout and 120 seconds");
        Require(MaxResponseBytes is >= 1024 and <= 16 * 1024 * 1024, "maxResponseBytes", "between 1 KiB and 16 MiB");
        return this;
    }

    private static void Require(bool ok, string name, string range)
    {
        if (!ok)
        {
            throw new ArgumentOutOfRangeException("connectionRequest." + name, $"The limit connectionRequest.{name} must be {range}.");
        }
    }
}
