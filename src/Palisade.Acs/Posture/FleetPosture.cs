using Palisade.Acs.Query;
using Palisade.Acs.Storage;

namespace Palisade.Acs.Posture;

/// <summary>One posture item: a weakness, how many devices have it, the filter that lists them, and the remedy.</summary>
/// <param name="Id">A stable identifier, e.g. <c>plaintext-cwmp</c>.</param>
/// <param name="Severity">info, low, medium, high or critical.</param>
/// <param name="Title">What the item is.</param>
/// <param name="Devices">How many devices have it.</param>
/// <param name="Filter">The device filter that lists them.</param>
/// <param name="Remedy">What to do about it.</param>
/// <param name="RemedyTask">A task body (JSON) that fixes the item when queued for the listed devices, or null.</param>
public sealed record PostureItem(string Id, string Severity, string Title, long Devices, string Filter, string Remedy, string? RemedyTask = null);

/// <summary>
/// The fleet's security posture, computed from what devices report and how they connect. Each item is a device
/// filter, so the API and the CLI can list exactly the devices behind a number.
/// </summary>
public static class FleetPosture
{
    /// <summary>The task that moves plaintext devices to the server's own https URL after a reachability check.</summary>
    public const string PlaintextRemedyTask = "{\"name\":\"moveToHttps\"}";

    public static async Task<IReadOnlyList<PostureItem>> ComputeAsync(IDeviceRegistry store, IReadOnlyList<string> allowedAcsHosts, string? minimumFirmware, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(allowedAcsHosts);
        var items = new List<(string Id, string Severity, string Title, string Filter, string Remedy)>
        {
            ("plaintext-cwmp", "high", "Devices on plaintext CWMP", "transport = \"http\"",
                "Queue the moveToHttps task for them (POST /api/v1/tasks?filter=… with the remedy task; write-management-server permission): each device first uploads its log to the https ACS, proving it reaches it and trusts the certificate, and only then is its ManagementServer.URL set to https. Devices that cannot reach it keep their URL and the task faults with the reason."),
            ("basic-auth", "medium", "Devices authenticating with Basic", "authMethod = \"basic\"",
                "Let them re-enroll with Digest, or issue client certificates; then drop --allow-basic."),
            ("bootstrap-credential", "high", "Devices still on the bootstrap credential", "enrolled = false AND authMethod <> \"client-certificate\"",
                "They refused or never received their unique credentials: check the enrollment faults in the log, fix, and let them reconnect."),
            ("no-unique-cr-password", "medium", "Devices without a unique connection-request password", "connectionRequestUser IS NULL",
                "Set unique ConnectionRequestUsername/Password (Palisade does at enrollment; older devices need a setParameterValues task)."),
            ("unexpected-bootstrap", "high", "Unexpected BOOTSTRAP on known devices", "event = \"0 BOOTSTRAP\" AND registered < now-1h AND bootstrapExpected = false",
                "A known device bootstrapped again: its ACS URL was changed or it was reset, and not by this ACS (the BOOTSTRAP that follows a moveToHttps or an audited URL write is expected and not listed). Check who changed it; re-admit only if expected."),
            ("identity-conflict", "high", "Devices whose id a second party presented", $"tag = \"{Identity.IdentityFlags.IdentityConflict}\"",
                "Someone presented the id of a device bound to its certificate or its own credential with a weaker way in (the bootstrap credential, or Digest for a certificate device): an impostor, or the device after a factory reset. Check the warning (event 240) for the address; readmit only a device you know was reset, then remove the tag."),
            ("credential-never-rotated", "low", "Devices whose credential is never rotated", $"tag = \"{FactoryCredentials.DeviceImportService.FixedTag}\"",
                "They were imported with their factory credential and rotate=false (palisade devices import): the ACS never changes it, so a leak of the factory list is a leak of their access. Re-import with rotate=true the models that can take a new credential, or remove the tag and queue rotateCredentials."),
        };

        if (allowedAcsHosts.Count > 0)
        {
            var allowed = string.Join(" OR ", allowedAcsHosts.Select(h => "acsUrl LIKE " + FilterParser.Literal("https://" + VersionFilter.Like(h) + "/%") + " OR acsUrl LIKE " + FilterParser.Literal("https://" + VersionFilter.Like(h) + ":%")));
            items.Add(("acs-url-elsewhere", "critical", "Devices whose ACS URL points elsewhere", $"acsUrl IS NOT NULL AND NOT ({allowed})",
                "Someone changed their ManagementServer.URL (or they were provisioned wrongly): investigate and set it back through the audited permission."));
        }

        var result = new List<PostureItem>();
        foreach (var (id, severity, title, filter, remedy) in items)
        {
            var page = await store.SearchDevicesAsync(new DeviceSearch(FilterParser.Parse(filter, now), Limit: 1, IncludeTotal: true), cancellationToken).ConfigureAwait(false);
            result.Add(new PostureItem(id, severity, title, page.Total ?? 0, filter, remedy, id == "plaintext-cwmp" ? PlaintextRemedyTask : null));
        }

        if (minimumFirmware is not null)
        {
            // Counted here, not by the store (its filters compare text, not versions); the link lists the same
            // devices by naming the versions found below the minimum (see VersionFilter).
            var versions = new Dictionary<string, long>(StringComparer.Ordinal);
            await foreach (var devices in store.PagesAsync(null, cancellationToken: cancellationToken).ConfigureAwait(false))
            {
                foreach (var d in devices)
                {
                    if (d.SoftwareVersion is { } v)
                    {
                        versions[v] = versions.GetValueOrDefault(v) + 1;
                    }
                }
            }

            var below = versions.Where(v => CompareVersions(v.Key, minimumFirmware) < 0).ToList();
            result.Add(new PostureItem("old-firmware", "medium", $"Devices below firmware {minimumFirmware}", below.Sum(v => v.Value),
                VersionFilter.Below([.. versions.Keys], [.. below.Select(v => v.Key)]),
                "Schedule a signed firmware download for them (a staged campaign)."));
        }

        return result;
    }

    /// <summary>Compares dotted versions numerically where both parts are numbers ("2.10" &gt; "2.9").</summary>
    public static int CompareVersions(string a, string b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        var x = a.Split('.', '-', '_');
        var y = b.Split('.', '-', '_');
        for (var i = 0; i < Math.Max(x.Length, y.Length); i++)
        {
            var p = i < x.Length ? x[i] : "0";
            var q = i < y.Length ? y[i] : "0";
            var c = long.TryParse(p, out var m) && long.TryParse(q, out var n) ? m.CompareTo(n) : string.CompareOrdinal(p, q);
            if (c != 0)
            {
                return c;
            }
        }

        return 0;
    }
}
