namespace Palisade.Acs.Campaigns;

/// <summary>
/// Where a campaign is. Draft, running, paused and halted campaigns hold their devices (a device is in at most one
/// of them); aborted and completed ones let them go.
/// </summary>
public enum CampaignState
{
    /// <summary>Created, not started: devices are held, nothing is sent.</summary>
    Draft = 0,

    /// <summary>Devices of the current stage are being upgraded.</summary>
    Running = 1,

    /// <summary>Stopped by an operator: no device is started; those in progress finish.</summary>
    Paused = 2,

    /// <summary>Stopped by a halt rule (the reason says which): no device is started until an operator resumes.</summary>
    Halted = 3,

    /// <summary>Ended by an operator: its queued downloads are cancelled and its devices released.</summary>
    Aborted = 4,

    /// <summary>Every stage passed; its devices are released.</summary>
    Completed = 5,
}
