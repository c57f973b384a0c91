namespace Palisade.Acs.Provisioning.Declarations;

/// <summary>One segment of a declared path: a name, <c>*</c>, or an alias filter <c>[Key:value,…]</c>.</summary>
/// <param name="Name">The name, for a literal segment; null otherwise.</param>
/// <param name="Filter">The alias filter's pairs (key paths relative to the instance, and values), for an alias segment; empty for <c>[]</c>.</param>
internal sealed record PathSegment(string? Name, IReadOnlyList<KeyValuePair<string, string>>? Filter)
{
    public static PathSegment Wildcard { get; } = new(null, null);

    /// <summary>True for <c>*</c>.</summary>
    public bool IsWildcard => Name is null && Filter is null;

    /// <summary>True for <c>[…]</c>.</summary>
    public bool IsAlias => Filter is not null;

    public override string ToString() =>
        Name ?? (Filter is null ? "*" : "[" + string.Join(',', Filter.Select(p => p.Key + ":" + p.Value)) + "]");
}
