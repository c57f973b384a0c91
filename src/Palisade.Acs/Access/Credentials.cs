using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using System.Text;

namespace Palisade.Acs.Access;

/// <summary>A user of the API and UI.</summary>
public sealed record UserRecord(string Name, string Role, string PasswordHash, int FailedLogins, DateTimeOffset? LockedUntil, DateTimeOffset CreatedAt);

/// <summary>An API key as stored: never the secret, only its hash.</summary>
public sealed record ApiKeyRecord(string Id, string Name, string Role, byte[] SecretHash, string? DeviceFilter, DateTimeOffset CreatedAt, DateTimeOffset? ExpiresAt, DateTimeOffset? RevokedAt, string CreatedBy)
{
    public bool IsUsable(DateTimeOffset now) => RevokedAt is null && (ExpiresAt is null || ExpiresAt > now);

    public override string ToString() => $"ApiKeyRecord {{ Id = {Id}, Name = {Name}, Role = {Role} }}";
}

/// <summary>
/// API keys look like <c>pal_&lt;16 hex id&gt;_&lt;43 base64url secret&gt;</c>: the id finds the record, the 256-bit secret
/// is checked against its SHA-256 in constant time (a high-entropy secret needs no slow hash).
/// </summary>
public static class ApiKeys
{
    public static (string Token, ApiKeyRecord Record) Create(string name, string role, string? deviceFilter, DateTimeOffset now, DateTimeOffset? expiresAt, string createdBy)
    {
        var id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));
        var secret = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        var token = $"pal_{id}_{secret}";
        return (token, new ApiKeyRecord(id, name, role, SHA256.HashData(Encoding.ASCII.GetBytes(secret)), deviceFilter, now, expiresAt, null, createdBy));
    }

    public static bool TryParse(string? token, [NotNullWhen(true)] out string? id, [NotNullWhen(true)] out string? secret)
    {
        id = secret = null;
        if (token is null || token.Length > 128 || !token.StartsWith("pal_", StringComparison.Ordinal))
        {
            return false;
        }

        var parts = token.Split('_', 3);
        if (parts.Length != 3 || parts[1].Length != 16 || !parts[1].All(char.IsAsciiHexDigitLower) || parts[2].Length < 32)
        {
            return false;
        }

        (id, secret) = (parts[1], parts[2]);
        return true;
    }

    public static bool Verify(ApiKeyRecord record, string secret) =>
        CryptographicOperations.FixedTimeEquals(record.SecretHash, SHA256.HashData(Encoding.ASCII.GetBytes(secret)));
}

/// <summary>Password hashing for users: PBKDF2-HMAC-SHA256, 600,000 iterations (OWASP 2023), 16-byte salt.</summary>
public static class PasswordHasher
{
    private const int Iterations = 600_000;

    public static string Hash(string password)
    {
        var salt = RandomNumberGenerator.GetBytes(16);
        var hash = Rfc2898DeriveBytes.Pbkdf2(password, salt, Iterations, HashAlgorithmName.SHA256, 32);
        return $"pbkdf2-sha256${Iterations}${Convert.ToBase64String(salt)}${Convert.ToBase64String(hash)}";
    }

    public static bool Verify(string password, string stored)
    {
        var parts = stored.Split('$');
        if (parts.Length != 4 || parts[0] != "pbkdf2-sha256" || !int.TryParse(parts[1], out var iterations) || iterations < 100_000)
        {
            return false;
        }

        var salt = Convert.FromBase64String(parts[2]);
        var expected = Convert.FromBase64String(parts[3]);
        var actual = Rfc2898DeriveBytes.Pbkdf2(password, salt, iterations, HashAlgorithmName.SHA256, expected.Length);
        return CryptographicOperations.FixedTimeEquals(actual, expected);
    }
}
