namespace Palisade.Acs.Provisioning;

/// <summary>
/// A preset as stored: its name and its document in GenieACS's JSON shape, validated and normalised by the service
/// before it is written (the store does not read it).
/// </summary>
/// <param name="Name">Its name.</param>
/// <param name="Document">The preset's JSON (<c>weight</c>, <c>channel</c>, <c>events</c>, <c>precondition</c>,
/// <c>schedule</c>, <c>configurations</c>).</param>
/// <param name="UpdatedAt">When it was last written.</param>
/// <param name="UpdatedBy">Who wrote it.</param>
public sealed record StoredPreset(string Name, string Document, DateTimeOffset UpdatedAt, string UpdatedBy);
