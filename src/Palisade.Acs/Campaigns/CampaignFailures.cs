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

    /// <summary>Any other fault of the Download or its TransferComplete: <c>download-fault-CODE</c>.</summary>
    public static string DownloadFault(int code) => code == FaultCode.DownloadFileCorrupted ? BadSignature : "download-fault-" + code.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
