namespace Palisade.Acs.Provisioning;

/// <summary>The preset configuration type <c>backup</c>: a configuration backup once per window of the preset's schedule.</summary>
public static class ScheduledBackup
{
    /// <summary>The name its call carries where a provision's name would be (no such provision exists or runs).</summary>
    public const string Provision = "builtin:backup";
}
