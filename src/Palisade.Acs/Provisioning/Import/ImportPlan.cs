namespace Palisade.Acs.Provisioning.Import;

/// <summary>What an import will write, what it cannot, and what it writes with a warning.</summary>
/// <param name="Items">What translates, presets last (they name the provisions).</param>
/// <param name="Refusals">What does not, with the reason.</param>
/// <param name="Warnings">What translates but needs the operator's attention (a preset naming a provision that is not imported).</param>
public sealed record ImportPlan(IReadOnlyList<ImportItem> Items, IReadOnlyList<ImportRefusal> Refusals, IReadOnlyList<string> Warnings);
