namespace Palisade.Cwmp;

/// <summary>Which CWMP version introduced each RPC (from the BBF schemas cwmp-1-0 … cwmp-1-2).</summary>
public static class CwmpMethods
{
    private static readonly Dictionary<string, CwmpVersion> Introduced = new(StringComparer.Ordinal)
    {
        ["GetAllQueuedTransfers"] = CwmpVersion.V1_1,
        ["AutonomousTransferComplete"] = CwmpVersion.V1_1,
        ["ScheduleDownload"] = CwmpVersion.V1_2,
        ["CancelTransfer"] = CwmpVersion.V1_2,
        ["ChangeDUState"] = CwmpVersion.V1_2,
        ["DUStateChangeComplete"] = CwmpVersion.V1_2,
        ["AutonomousDUStateChangeComplete"] = CwmpVersion.V1_2,
    };

    /// <summary>The version that introduced <paramref name="methodName"/> (request or response name).</summary>
    public static CwmpVersion IntroducedIn(string methodName)
    {
        ArgumentNullException.ThrowIfNull(methodName);
        var name = methodName.EndsWith("Response", StringComparison.Ordinal) ? methodName[..^"Response".Length] : methodName;
        return Introduced.TryGetValue(name, out var version) ? version : CwmpVersion.V1_0;
    }

    /// <summary>True when <paramref name="methodName"/> exists in <paramref name="version"/>.</summary>
    public static bool ExistsIn(string methodName, CwmpVersion version) => IntroducedIn(methodName) <= version;
}
