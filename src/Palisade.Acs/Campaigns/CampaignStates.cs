namespace Palisade.Acs.Campaigns;

/// <summary>The names of campaign and campaign-device states in the API, the CLI and the store.</summary>
public static class CampaignStates
{
    private static readonly string[] Names = ["draft", "running", "paused", "halted", "aborted", "completed"];
    private static readonly string[] DeviceNames = ["pending", "in-progress", "succeeded", "failed"];

    /// <summary>The state's name, e.g. <c>running</c>.</summary>
    public static string Name(CampaignState state) => Names[(int)state];

    /// <summary>The device state's name, e.g. <c>in-progress</c>.</summary>
    public static string Name(CampaignDeviceState state) => DeviceNames[(int)state];

    /// <summary>The device state named <paramref name="name"/>, or null.</summary>
    public static CampaignDeviceState? ParseDevice(string name) => Array.IndexOf(DeviceNames, name) is >= 0 and var i ? (CampaignDeviceState)i : null;

    /// <summary>True for the states that hold devices (draft, running, paused, halted).</summary>
    public static bool HoldsDevices(CampaignState state) => state is not (CampaignState.Aborted or CampaignState.Completed);
}
