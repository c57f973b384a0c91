using Palisade.Security.Secrets;

namespace Palisade.Acs.Auth;

/// <summary>How CPEs prove who they are. Every field has a safe default; nothing here is ever a default password.</summary>
public sealed class AuthenticationOptions
{
    /// <summary>The Digest realm; part of every stored HA1, so changing it invalidates stored credentials.</summary>
    public string Realm { get; set; } = "palisade";

    /// <summary>
    /// The key Digest nonces are made with; null for a fresh random one per process. Nodes sharing a store share one
    /// (derived from the store key), so a CPE challenged by one node may answer to another.
    /// </summary>
    public byte[]? NonceKey { get; set; }

    /// <summary>How long a Digest nonce is accepted after it was issued.</summary>
    public TimeSpan NonceLifetime { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Accept HTTP Basic (over TLS only, never over plaintext). Off by default.</summary>
    public bool AllowBasic { get; set; }

    /// <summary>
    /// The credential that admits an unknown device once (then replaced by a unique one in the same session).
    /// Null closes enrollment: only devices with stored credentials or a client certificate get in.
    /// </summary>
    public BootstrapCredential? Bootstrap { get; set; }

    /// <summary>
    /// Offer and accept Digest with SHA-256 only (<c>--digest-sha256-only</c>). Off by default: many deployed CPEs
    /// speak only MD5.
    /// </summary>
    public bool RequireSha256 { get; set; }

    /// <summary>
    /// Plaintext connections come through a legacy port beside TLS (<c>--legacy-http-port</c>): devices that use https
    /// are refused there and nothing is enrolled there (<see cref="TransportPolicy"/>). Set by the host; off with
    /// <c>--insecure-http</c>, where plaintext is all there is.
    /// </summary>
    public bool PlaintextIsLegacy { get; set; }

    /// <summary>Also give each enrolled device a unique connection-request user name and password.</summary>
    public bool RotateConnectionRequestCredentials { get; set; } = true;

    /// <summary>Who may enroll on <see cref="Bootstrap"/>, how fast, and how long an unfinished registration is kept.</summary>
    public Identity.EnrollmentOptions Enrollment { get; } = new();

    /// <summary>Throws when an option is out of range.</summary>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(Realm) || Realm.Length > 64 || Realm.Any(c => c is '"' or '\\' || char.IsControl(c)))
        {
            throw new ArgumentOutOfRangeException(nameof(Realm), "AuthenticationOptions.Realm must be 1 to 64 printable characters without quotes or backslashes.");
        }

        if (NonceLifetime < TimeSpan.FromSeconds(10) || NonceLifetime > TimeSpan.FromHours(1))
        {
            throw new ArgumentOutOfRangeException(nameof(NonceLifetime), "AuthenticationOptions.NonceLifetime must be between 10 s and 1 hour.");
        }

        Enrollment.Validate();
    }
}
