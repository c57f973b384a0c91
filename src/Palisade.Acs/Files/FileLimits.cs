namespace Palisade.Acs.Files;

/// <summary>The bounds of the file store and of what devices upload to it; validated at start.</summary>
public sealed class FileLimits
{
    /// <summary>The largest file an operator stores. Default 512 MiB (firmware images of home gateways are 8–128 MiB).</summary>
    public long MaxFileBytes { get; set; } = 512L * 1024 * 1024;

    /// <summary>The largest configuration file a device uploads. Default 16 MiB.</summary>
    public long MaxUploadBytes { get; set; } = 16L * 1024 * 1024;

    /// <summary>The most configuration backups kept per device; older ones are deleted as new ones arrive. Default 10.</summary>
    public int BackupsPerDevice { get; set; } = 10;

    /// <summary>Throws when a bound is out of range.</summary>
    public void Validate()
    {
        if (MaxFileBytes is < 1024 or > 8L * 1024 * 1024 * 1024)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxFileBytes), MaxFileBytes, "The largest file is 1 KiB to 8 GiB.");
        }

        if (MaxUploadBytes is < 1024 or > 1024L * 1024 * 1024)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxUploadBytes), MaxUploadBytes, "The largest upload is 1 KiB to 1 GiB.");
        }

        if (BackupsPerDevice is < 1 or > 1000)
        {
            throw new ArgumentOutOfRangeException(nameof(BackupsPerDevice), BackupsPerDevice, "1 to 1000 backups per device.");
        }
    }
}
