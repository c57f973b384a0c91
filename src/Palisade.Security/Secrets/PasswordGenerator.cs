using System.Security.Cryptography;

namespace Palisade.Security.Secrets;

/// <summary>Generates passwords from the system's cryptographic random source.</summary>
public static class PasswordGenerator
{
    // No look-alike characters and nothing that needs quoting in a header, a URL or a shell.
    private const string Alphabet = "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";

    /// <summary>A password of <paramref name="length"/> characters (24 give over 140 bits).</summary>
    public static string Generate(int length = 24)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(length, 16);
        return RandomNumberGenerator.GetString(Alphabet, length);
    }
}
