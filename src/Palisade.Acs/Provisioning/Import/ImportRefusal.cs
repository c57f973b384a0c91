namespace Palisade.Acs.Provisioning.Import;

/// <summary>Something read from GenieACS that could not be translated, and why.</summary>
/// <param name="Kind"><c>preset</c>, <c>provision</c> or <c>virtual parameter</c>.</param>
/// <param name="Name">Its name as GenieACS has it.</param>
/// <param name="Reason">What has no counterpart, or what is wrong.</param>
public sealed record ImportRefusal(string Kind, string Name, string Reason);
