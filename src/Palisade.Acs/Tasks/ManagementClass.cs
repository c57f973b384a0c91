namespace Palisade.Acs.Tasks;

/// <summary>
/// Sorts a task by what it can do to the device's management, the ACS's hold on the device: a task in a management
/// class needs the <c>write-management-server</c> permission, whoever queues or retries it (issue 24 medium 7). An
/// operator without it can still read, configure and reboot devices; it cannot cut them off the ACS, point them at
/// another one, or take their configuration elsewhere.
/// </summary>
public static class ManagementClass
{
    /// <summary>The one download file type that replaces the configuration, ACS URL and credentials included (TR-069 A.3.2.8).</summary>
    public const string ConfigurationFile = "3 Vendor Configuration File";

    /// <summary>The download file type that replaces the software, CWMP client included.</summary>
    public const string Firmware = "1 Firmware Upgrade Image";

    // Download file types that touch nothing of the management: web content, tones and ringers (TR-069 A.3.2.8).
    private static readonly string[] HarmlessDownloads = ["2 Web Content", "4 Tone File", "5 Ringer File"];

    // Parameters under ManagementServer that tune the schedule only; everything else there is how the device reaches,
    // trusts or lets in its ACS (URL, credentials, EnableCWMP, connection-request credentials, STUN, UDP, XMPP use).
    private static readonly string[] ScheduleOnly = ["PeriodicInformInterval", "PeriodicInformTime"];

    /// <summary>
    /// Why <paramref name="task"/> needs the management permission, as a phrase for a 403 ("it …"), or null when it
    /// needs none. <paramref name="isAllowedHost"/> says whether a host is one of this ACS's own (uploads elsewhere
    /// take the device's files off the ACS).
    /// </summary>
    public static string? Reason(TaskDefinition task, Func<string, bool> isAllowedHost)
    {
        ArgumentNullException.ThrowIfNull(task);
        ArgumentNullException.ThrowIfNull(isAllowedHost);
        return task switch
        {
            MoveToHttpsTask or RotateCredentialsTask => "it changes the device's ACS URL or credentials",
            SetParameterValuesTask set => set.ParameterValues.Select(p => Parameter(p.Name)).FirstOrDefault(r => r is not null),
            AddObjectTask add => Parameter(add.ObjectName),
            DeleteObjectTask delete => Parameter(delete.ObjectName),
            DownloadTask { FileType: ConfigurationFile } or RestoreTask => "it downloads a configuration file, which replaces the device's ACS URL and credentials with the rest",
            DownloadTask { FileType: Firmware } => "it downloads firmware, which replaces the device's CWMP client",
            DownloadTask download when !HarmlessDownloads.Contains(download.FileType, StringComparer.Ordinal) => $"it downloads a file of type '{Clip(download.FileType)}', whose effect on the device's management is unknown",
            UploadTask upload when !IsAllowed(upload.Url, isAllowedHost) => "it uploads the device's file to a host that is not this ACS's",
            ScheduleDownloadTask scheduled => Reason(new DownloadTask(scheduled.FileType, scheduled.Url, scheduled.FileSize, scheduled.TargetFileName, null), isAllowedHost),
            SoftwareModules.ChangeDuStateTask change when change.Operations.Any(o => o is not Cwmp.Structs.UninstallOperation) => "it installs or updates software on the device, which runs with the device's own rights",
            _ => null,
        };
    }

    /// <summary>Why a write, added or deleted object at <paramref name="name"/> touches the management, or null.</summary>
    public static string? Parameter(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var root = name.IndexOf('.', StringComparison.Ordinal);
        if (root < 0)
        {
            return null;
        }

        var rest = name.AsSpan(root + 1);
        if (rest.StartsWith("XMPP.", StringComparison.Ordinal))
        {
            return "it changes the device's XMPP connection (connection requests over XMPP)";
        }

        if (!rest.StartsWith("ManagementServer.", StringComparison.Ordinal))
        {
            return null;
        }

        var leaf = rest["ManagementServer.".Length..].ToString();
        return leaf switch
        {
            "URL" or "Username" or "Password" => "it changes the device's ACS URL or credentials",
            "EnableCWMP" => "it switches the device's CWMP client (EnableCWMP)",
            _ when leaf.StartsWith("ConnectionRequest", StringComparison.Ordinal) => "it changes the device's connection-request URL or credentials",
            _ when leaf.StartsWith("STUN", StringComparison.Ordinal) || leaf.StartsWith("UDPConnectionRequest", StringComparison.Ordinal) || leaf.StartsWith("NATDetected", StringComparison.Ordinal) => "it changes the device's STUN or UDP connection-request settings",
            _ when leaf.StartsWith("ConnReqXMPP", StringComparison.Ordinal) || leaf.StartsWith("ConnReqAllowedJabberIDs", StringComparison.Ordinal) || leaf.StartsWith("ConnReqJabberID", StringComparison.Ordinal) => "it changes the device's XMPP connection (connection requests over XMPP)",
            _ when ScheduleOnly.Contains(leaf, StringComparer.Ordinal) => null,
            _ => $"it changes the device's ManagementServer.{Clip(leaf)}",
        };
    }

    private static bool IsAllowed(string url, Func<string, bool> isAllowedHost) =>
        Uri.TryCreate(url, UriKind.Absolute, out var target) && target.Scheme == Uri.UriSchemeHttps && isAllowedHost(target.Host);

    private static string Clip(string text) => text.Length <= 64 ? text : text[..64] + "…";
}
