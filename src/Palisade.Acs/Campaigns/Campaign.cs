namespace Palisade.Acs.Campaigns;

/// <summary>A campaign as stored: what it sends, to which devices, how, and where it is.</summary>
/// <param name="Id">Its number (0 before it is stored).</param>
/// <param name="Name">Its name (1–100 printable characters).</param>
/// <param name="FileName">The firmware file it sends (by name in the file store).</param>
/// <param name="FileSha256">The content it was created for: a file replaced since is not sent.</param>
/// <param name="Version">The file's version: the SoftwareVersion a device must come back with.</param>
/// <param name="Filter">The device filter it was created with (informational: the targets were chosen then), or null for all.</param>
/// <param name="Plan">Stages, window, concurrency, success criteria and halt rules.</param>
/// <param name="State">Where it is.</param>
/// <param name="HaltReason">Why it halted (the rule tripped), while halted; else null.</param>
/// <param name="Stage">The current stage (0 = the canary).</param>
/// <param name="CreatedAt">When it was created.</param>
/// <param name="CreatedBy">Who created it.</param>
/// <param name="UpdatedAt">When its state or stage last changed.</param>
public sealed record Campaign(
    long Id,
    string Name,
    string FileName,
    string FileSha256,
    string Version,
    string? Filter,
    CampaignPlan Plan,
    CampaignState State,
    string? HaltReason,
    int Stage,
    DateTimeOffset CreatedAt,
    string CreatedBy,
    DateTimeOffset UpdatedAt);
