namespace Palisade.Acs.Access;

/// <summary>What an API caller may do. Each endpoint requires exactly one.</summary>
public enum Permission
{
    ReadDevices,
    WriteDevices,
    ReadTasks,
    WriteTasks,
    /// <summary>Write ManagementServer.URL/Username/Password on a device: granted separately, always audited.</summary>
    WriteManagementServer,
    ReadFaults,
    WriteFaults,
    ConnectionRequest,
    ReadAudit,
    ManageKeys,
    ManageUsers,
    /// <summary>Read presets, provisions and virtual parameters (scripts may hold settings an operator should not see).</summary>
    ReadProvisioning,
    /// <summary>Write presets, provisions and virtual parameters: code that runs for every device, granted separately, always audited.</summary>
    WriteProvisioning,
    /// <summary>Scrape <c>/metrics</c> (counts and latencies; no device data).</summary>
    ReadMetrics,
    /// <summary>Read the file store's metadata, and campaigns.</summary>
    ReadFiles,
    /// <summary>Add, sign and delete stored files (firmware the fleet may be given), granted separately, always audited.</summary>
    WriteFiles,
}

/// <summary>The built-in roles.</summary>
public static class Roles
{
    public const string Admin = "admin";
    public const string Operator = "operator";
    public const string Viewer = "viewer";
    public const string Auditor = "auditor";

    /// <summary>Writes the provisioning policy (presets, provisions, virtual parameters) and reads what it needs to.</summary>
    public const string Provisioner = "provisioner";

    /// <summary>A Prometheus scraper: reads /metrics and nothing else.</summary>
    public const string Monitor = "monitor";

    private static readonly Dictionary<string, HashSet<Permission>> Grants = new(StringComparer.Ordinal)
    {
        [Admin] = [.. Enum.GetValues<Permission>()],
        [Operator] = [Permission.ReadDevices, Permission.WriteDevices, Permission.ReadTasks, Permission.WriteTasks, Permission.ReadFaults, Permission.WriteFaults, Permission.ConnectionRequest, Permission.ReadProvisioning, Permission.ReadFiles],
        [Viewer] = [Permission.ReadDevices, Permission.ReadTasks, Permission.ReadFaults],
        [Auditor] = [Permission.ReadDevices, Permission.ReadTasks, Permission.ReadFaults, Permission.ReadAudit, Permission.ReadProvisioning, Permission.ReadFiles],
        [Monitor] = [Permission.ReadMetrics],
        [Provisioner] = [Permission.ReadDevices, Permission.ReadTasks, Permission.ReadFaults, Permission.WriteFaults, Permission.ReadProvisioning, Permission.WriteProvisioning],
    };

    public static IReadOnlyCollection<string> All => Grants.Keys;

    public static bool Exists(string role) => Grants.ContainsKey(role);

    public static bool Allows(string role, Permission permission) => Grants.TryGetValue(role, out var set) && set.Contains(permission);

    /// <summary>True when <paramref name="granter"/> holds every permission of <paramref name="role"/>: no one hands out more than they have.</summary>
    public static bool Covers(string granter, string role) =>
        Grants.TryGetValue(granter, out var held) && Grants.TryGetValue(role, out var wanted) && wanted.IsSubsetOf(held);

    /// <summary>The permission as the API writes it, e.g. <c>write-management-server</c>.</summary>
    public static string Name(Permission permission) => System.Text.Json.JsonNamingPolicy.KebabCaseLower.ConvertName(permission.ToString());
}
