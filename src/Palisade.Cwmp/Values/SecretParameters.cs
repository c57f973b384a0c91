namespace Palisade.Cwmp.Values;

/// <summary>
/// Which parameters hold secrets, by name: TR-069 has CPEs read them back empty (A.3.2.1), and Palisade never
/// caches, logs, audits or uploads their values. One rule for the ACS, the API and the CPE agent.
/// </summary>
public static class SecretParameters
{
    private static readonly string[] Suffixes = ["Password", "Passphrase", "PreSharedKey", "WEPKey", "Secret"];

    /// <summary>True when <paramref name="name"/> names a secret (…Password, …Passphrase, …PreSharedKey, …WEPKey, …Secret).</summary>
    public static bool IsSecret(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        // A loop, not Any(lambda): every parameter of every Inform passes here, and the lambda captures the name.
        foreach (var suffix in Suffixes)
        {
            if (name.EndsWith(suffix, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }
}
