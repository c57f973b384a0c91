namespace Palisade.Acs.Files;

/// <summary>What an operator says about a file being added (the store works out its SHA-256, size and signature).</summary>
/// <param name="Name">The name (<see cref="FileNames"/>).</param>
/// <param name="FileType">TR-069's file type.</param>
/// <param name="Version">The software version a firmware image installs; empty for other types.</param>
/// <param name="Oui">The OUI it is meant for, or null.</param>
/// <param name="ProductClass">The product class it is meant for, or null.</param>
/// <param name="ModelName">The model it is meant for, or null.</param>
public sealed record NewFile(string Name, string FileType, string Version, string? Oui, string? ProductClass, string? ModelName);
