namespace Palisade.Acs.Campaigns;

/// <summary>
/// A daily maintenance window in whole UTC hours, [<see cref="StartHour"/>, <see cref="EndHour"/>); it wraps midnight
/// when the end is before the start (22–4). Devices are started only inside it; those in progress finish outside it.
/// </summary>
/// <param name="StartHour">First hour (0–23).</param>
/// <param name="EndHour">Hour it ends (0–24), exclusive.</param>
public sealed record CampaignWindow(int StartHour, int EndHour)
{
    /// <summary>True when <paramref name="at"/> (as UTC) falls inside the window.</summary>
    public bool Contains(DateTimeOffset at)
    {
        var hour = at.UtcDateTime.Hour;
        return StartHour <= EndHour ? hour >= StartHour && hour < EndHour : hour >= StartHour || hour < EndHour;
    }
}
