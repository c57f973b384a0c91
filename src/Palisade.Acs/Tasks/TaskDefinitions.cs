using Palisade.Cwmp;
using Palisade.Cwmp.Messages;
using Palisade.Cwmp.Structs;
using Palisade.Cwmp.Values;

namespace Palisade.Acs.Tasks;

/// <summary>Read parameter values (partial paths expand on the CPE).</summary>
/// <param name="ParameterNames">Full names or partial paths ending with '.'.</param>
public sealed record GetParameterValuesTask(IReadOnlyList<string> ParameterNames) : TaskDefinition
{
    /// <inheritdoc />
    public override string Name => "getParameterValues";

    /// <inheritdoc />
    public override CwmpMessage ToRequest(string commandKey) => new GetParameterValuesRequest(new EquatableList<string>(ParameterNames));
}

/// <summary>Discover the names under a path (refresh a subtree of the cached tree).</summary>
/// <param name="ParameterPath">A partial path ending with '.', or empty for the whole tree.</param>
/// <param name="NextLevel">Only the next level (true) or the whole subtree.</param>
public sealed record GetParameterNamesTask(string ParameterPath, bool NextLevel) : TaskDefinition
{
    /// <inheritdoc />
    public override string Name => "getParameterNames";

    /// <inheritdoc />
    public override CwmpMessage ToRequest(string commandKey) => new GetParameterNamesRequest(ParameterPath, NextLevel);
}

/// <summary>Set parameter values, all or nothing on the CPE.</summary>
/// <param name="ParameterValues">The values with their types.</param>
public sealed record SetParameterValuesTask(IReadOnlyList<ParameterValueStruct> ParameterValues) : TaskDefinition
{
    /// <inheritdoc />
    public override string Name => "setParameterValues";

    /// <inheritdoc />
    public override CwmpMessage ToRequest(string commandKey) => new SetParameterValuesRequest(new EquatableList<ParameterValueStruct>(ParameterValues), commandKey);

    /// <inheritdoc />
    public override bool ChangesManagementServer =>
        ParameterValues.Any(p => p.Name.EndsWith(".ManagementServer.URL", StringComparison.Ordinal) || RotateCredentialsTask.IsAcsCredential(p.Name));
}

/// <summary>Read notification and access-list attributes.</summary>
/// <param name="ParameterNames">Full names or partial paths.</param>
public sealed record GetParameterAttributesTask(IReadOnlyList<string> ParameterNames) : TaskDefinition
{
    /// <inheritdoc />
    public override string Name => "getParameterAttributes";

    /// <inheritdoc />
    public override CwmpMessage ToRequest(string commandKey) => new GetParameterAttributesRequest(new EquatableList<string>(ParameterNames));
}

/// <summary>Change notification and access-list attributes.</summary>
/// <param name="Attributes">The changes.</param>
public sealed record SetParameterAttributesTask(IReadOnlyList<SetParameterAttributesStruct> Attributes) : TaskDefinition
{
    /// <inheritdoc />
    public override string Name => "setParameterAttributes";

    /// <inheritdoc />
    public override CwmpMessage ToRequest(string commandKey) => new SetParameterAttributesRequest(new EquatableList<SetParameterAttributesStruct>(Attributes));
}

/// <summary>Create an object instance.</summary>
/// <param name="ObjectName">The multi-instance object path ending with '.'.</param>
public sealed record AddObjectTask(string ObjectName) : TaskDefinition
{
    /// <inheritdoc />
    public override string Name => "addObject";

    /// <inheritdoc />
    public override CwmpMessage ToRequest(string commandKey) => new AddObjectRequest(ObjectName, commandKey);
}

/// <summary>Delete an object instance.</summary>
/// <param name="ObjectName">The instance path ending with '.'.</param>
public sealed record DeleteObjectTask(string ObjectName) : TaskDefinition
{
    /// <inheritdoc />
    public override string Name => "deleteObject";

    /// <inheritdoc />
    public override CwmpMessage ToRequest(string commandKey) => new DeleteObjectRequest(ObjectName, commandKey);
}

/// <summary>Reboot after the session.</summary>
public sealed record RebootTask : TaskDefinition
{
    /// <inheritdoc />
    public override string Name => "reboot";

    /// <inheritdoc />
    public override CwmpMessage ToRequest(string commandKey) => new RebootRequest(commandKey);
}

/// <summary>Factory reset after the session.</summary>
public sealed record FactoryResetTask : TaskDefinition
{
    /// <inheritdoc />
    public override string Name => "factoryReset";

    /// <inheritdoc />
    public override CwmpMessage ToRequest(string commandKey) => new FactoryResetRequest();
}

/// <summary>Download a file to the CPE.</summary>
/// <param name="FileType">e.g. <c>1 Firmware Upgrade Image</c>.</param>
/// <param name="Url">An https URL the CPE fetches the file from.</param>
/// <param name="FileSize">The size in bytes, 0 if unknown.</param>
/// <param name="TargetFileName">The name on the CPE, or empty.</param>
/// <param name="FileName">The name of a file stored on the ACS this came from, if any.</param>
/// <remarks>
/// With an empty <see cref="Url"/> the file is <see cref="FileName"/> in the file store: the ACS hands the device a
/// per-device, short-lived URL on its file server when the task runs (Files/FileTransferStep), so
/// <see cref="ToRequest"/> is not used for it.
/// </remarks>
public sealed record DownloadTask(string FileType, string Url, uint FileSize, string TargetFileName, string? FileName) : TaskDefinition
{
    /// <inheritdoc />
    public override string Name => "download";

    /// <summary>For a stored file: the SHA-256 of the content the task was queued for (a file replaced since is not sent).</summary>
    public string? Sha256 { get; init; }

    /// <inheritdoc />
    public override CwmpMessage ToRequest(string commandKey) =>
        new DownloadRequest(commandKey, FileType, Url, string.Empty, string.Empty, FileSize, TargetFileName, 0, string.Empty, string.Empty);
}

/// <summary>Upload a file from the CPE.</summary>
/// <param name="FileType">e.g. <c>1 Vendor Configuration File</c>.</param>
/// <param name="Url">Where the CPE puts the file; empty for a configuration backup into the file store (Files/FileTransferStep).</param>
public sealed record UploadTask(string FileType, string Url) : TaskDefinition
{
    /// <inheritdoc />
    public override string Name => "upload";

    /// <inheritdoc />
    public override CwmpMessage ToRequest(string commandKey) => new UploadRequest(commandKey, FileType, Url, string.Empty, string.Empty, 0);
}

/// <summary>Ask the CPE to open a session later.</summary>
/// <param name="DelaySeconds">Seconds from now.</param>
public sealed record ScheduleInformTask(uint DelaySeconds) : TaskDefinition
{
    /// <inheritdoc />
    public override string Name => "scheduleInform";

    /// <inheritdoc />
    public override CwmpMessage ToRequest(string commandKey) => new ScheduleInformRequest(DelaySeconds, commandKey);
}

/// <summary>Helpers shared by the definitions.</summary>
internal static class TaskValues
{
    public static ParameterValueStruct Value(string name, string value, string? type) => new(name, ParameterValue.Parse(type, value));
}

/// <summary>
/// Move a device from plaintext CWMP to the https ACS URL, only once it has shown it can reach it. Runs in two
/// steps: first an Upload of the device's vendor log (TR-069 A.3.2.9, file type "2 Vendor Log File", harmless on
/// every CPE) to a one-time probe address on <paramref name="Url"/>'s host and port, which proves the device resolves
/// the name, reaches the port and trusts the certificate with the same TLS stack it will use for CWMP; then, only
/// when the probe arrived, a SetParameterValues of ManagementServer.URL. A device that cannot reach it keeps its URL
/// and the task faults with the reason. It has no single request: <see cref="MoveToHttpsStep"/> runs it.
/// </summary>
/// <param name="Url">The https ACS URL to move to; empty until the API fills in the server's own.</param>
public sealed record MoveToHttpsTask(string Url) : TaskDefinition
{
    /// <summary>The file type of the probe upload.</summary>
    public const string ProbeFileType = "2 Vendor Log File";

    /// <summary>Where probes are received, on the https listener.</summary>
    public const string ProbePathPrefix = "/palisade/reachability/";

    /// <inheritdoc />
    public override string Name => "moveToHttps";

    /// <inheritdoc />
    public override bool ChangesManagementServer => true;

    /// <summary>The state in the task's result while the probe upload is awaited.</summary>
    public const string CheckingState = "checking-reachability";

    /// <summary>The target's scheme, host and port: where the probe goes and what a refusal names.</summary>
    public string Origin => new Uri(Url).GetLeftPart(UriPartial.Authority);

    /// <summary>The probe address for <paramref name="token"/>.</summary>
    public string ProbeUrl(string token) => Origin + ProbePathPrefix + token;

    /// <summary>Step one: the device uploads its vendor log to the probe address.</summary>
    public UploadRequest ProbeRequest(string commandKey, string token) =>
        new(commandKey, ProbeFileType, ProbeUrl(token), string.Empty, string.Empty, 0);

    /// <summary>Step two: the new ACS URL, under the device's data-model root.</summary>
    public SetParameterValuesRequest MoveRequest(string dataModelRoot, string commandKey) =>
        new([new ParameterValueStruct(dataModelRoot + "ManagementServer.URL", ParameterValue.String(Url))], commandKey);
}
