namespace Palisade.Acs.Files;

/// <summary>Where devices reach the file server: its https base URL and, when configured, a plaintext one (both end in '/').</summary>
/// <param name="Https">e.g. <c>https://acs.example.net:7567/</c>.</param>
/// <param name="Plaintext">e.g. <c>http://acs.example.net:7568/</c>, or null for none.</param>
public sealed record FileServerUrls(string Https, string? Plaintext);
