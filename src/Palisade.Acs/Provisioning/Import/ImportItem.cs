using System.Text.Json.Nodes;

namespace Palisade.Acs.Provisioning.Import;

/// <summary>One object read from GenieACS, ready to write: a preset's JSON or a script's body.</summary>
/// <param name="Kind"><c>preset</c>, <c>provision</c> or <c>virtual parameter</c>.</param>
/// <param name="Name">Its name.</param>
/// <param name="Preset">For a preset: its JSON as Palisade takes it.</param>
/// <param name="Script">For a provision or virtual parameter: its JavaScript.</param>
public sealed record ImportItem(string Kind, string Name, JsonObject? Preset, string? Script);
