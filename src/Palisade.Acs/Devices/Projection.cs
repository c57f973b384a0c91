namespace Palisade.Acs.Devices;

/// <summary>The parameter paths or prefixes a list or export includes per device.</summary>
internal static class Projection
{
    public const int MaxPaths = 64;

    public static IReadOnlyList<string> Parse(string? text) =>
        string.IsNullOrWhiteSpace(text) ? [] : [.. text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Take(MaxPaths)];
}
