namespace Palisade.Acs.Campaigns;

/// <summary>Where one device of a campaign is.</summary>
public enum CampaignDeviceState
{
    /// <summary>Not started yet.</summary>
    Pending = 0,

    /// <summary>Its download task is queued or running; it has not come back on the new version yet.</summary>
    InProgress = 1,

    /// <summary>TransferComplete without fault and back on the file's version in time.</summary>
    Succeeded = 2,

    /// <summary>Failed, with a reason (<see cref="CampaignFailures"/>).</summary>
    Failed = 3,
}
