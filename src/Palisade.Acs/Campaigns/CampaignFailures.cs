using Palisade.Cwmp.Faults;

namespace Palisade.Acs.Campaigns;

/// <summary>The reasons a device fails a campaign, as counted by the halt rules and shown in the progress.</summary>
public static class CampaignFailures
{
    /// <summary>The device refused the file's signature (TransferComplete or Download fault 9018, file corrupted).</summary>
    public const string BadSignature = "bad-signature";

    /// <summary>The device installed and rebooted but reports another SoftwareVersion than the file's.</summary>
    public const string WrongVersion = "wrong-version";

    /// <summary>The device accepted the download but did not come back (TransferComplete and Inform) in time.</summary>
    public const string NoReturn = "no-return";

    /// <summary>The device never took its download task in time (it did not contact the ACS).</summary>
    public const string Timeout = "timeout";

    /// <summary>The device was deleted from the registry before it was started.</summary>
    public const string Gone = "gone";

    /// <summary>A vendor fault (9800–9899) of the Download or its TransferComplete.</summary>
    public const string VendorDownloadFault = "download-fault-vendor";

    /// <summary>A fault code the standard does not name (or none at all) of the Download or its TransferComplete.</summary>
    public const string OtherDownloadFault = "download-fault-other";

    /// <summary>
    /// Any other fault of the Download or its TransferComplete: <c>download-fault-CODE</c> for a code TR-069 names
    /// (9000–9032), <see cref="VendorDownloadFault"/> and <see cref="OtherDownloadFault"/> for the rest. The code comes
    /// from the CPE, and the reason becomes a stored value and a metric label, so a device cannot invent new ones.
    /// </summary>
    public static string DownloadFault(int code) => code switch
    {
        FaultCode.DownloadFileCorrupted => BadSignature,
        >= FaultCode.MethodNotSupported and <= FaultCode.DeploymentUnitVersionExists => "download-fault-" + code.ToString(System.Globalization.CultureInfo.InvariantCulture),
        _ when FaultCode.IsVendorSpecific(code) => VendorDownloadFault,
        _ => OtherDownloadFault,
    };
}
