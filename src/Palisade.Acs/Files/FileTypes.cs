namespace Palisade.Acs.Files;

/// <summary>The file types of TR-069's Download and Upload (A.3.2.8, A.3.2.9) that the file store takes.</summary>
public static class FileTypes
{
    /// <summary>A firmware image: the device reboots into the signed version.</summary>
    public const string Firmware = "1 Firmware Upgrade Image";

    /// <summary>A configuration file, uploaded by devices as backups and downloaded to restore them.</summary>
    public const string VendorConfiguration = "3 Vendor Configuration File";

    private static readonly string[] Standard = [Firmware, "2 Web Content", VendorConfiguration, "4 Tone File", "5 Ringer File"];

    /// <summary>One of the standard types, or a vendor type <c>X &lt;OUI&gt; &lt;name&gt;</c>, at most 64 printable characters.</summary>
    public static bool IsValid(string? type) =>
        type is { Length: > 0 and <= 64 }
        && (Standard.Contains(type, StringComparer.Ordinal) || (type.StartsWith("X ", StringComparison.Ordinal) && type.Length > 3 && type.All(c => c is >= ' ' and <= '~')));

    /// <summary>True for text fit for a label (version, OUI, product class, model): 1–64 printable ASCII characters.</summary>
    public static bool IsLabel(string? text) => text is { Length: > 0 and <= 64 } && text.All(c => c is > ' ' and <= '~' || c == ' ');
}
