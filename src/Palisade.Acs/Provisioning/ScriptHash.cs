using System.Security.Cryptography;
using System.Text;

namespace Palisade.Acs.Provisioning;

/// <summary>The hash that names a script's version and goes into the audit log.</summary>
public static class ScriptHash
{
    /// <summary>The lower-case hex SHA-256 of the UTF-8 form of <paramref name="body"/>.</summary>
    public static string Of(string body)
    {
        ArgumentNullException.ThrowIfNull(body);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(body)));
    }
}
