namespace Palisade.Acs.Auth;

/// <summary>What to do with an Inform after checking who sent it.</summary>
public enum AuthVerdict
{
    /// <summary>Authenticated: open the session.</summary>
    Accepted,

    /// <summary>No usable credentials yet: answer 401 with fresh challenges.</summary>
    Challenge,

    /// <summary>Credentials that cannot become valid by retrying (certificate of another device): answer 403.</summary>
    Forbidden,
}

/// <summary>The outcome of <see cref="DeviceAuthenticator.Authenticate"/>.</summary>
/// <param name="Verdict">What to do.</param>
/// <param name="Method">The scheme that succeeded (see <see cref="Devices.AuthMethods"/>), or null.</param>
/// <param name="Enroll">True when the device got in on the bootstrap credential and must be given its own now.</param>
/// <param name="Stale">For a challenge: the nonce was only expired (<c>stale=true</c>).</param>
/// <param name="Reason">For the log: why it was refused. Never contains a secret.</param>
public sealed record AuthDecision(AuthVerdict Verdict, string? Method, bool Enroll, bool Stale, string Reason)
{
    /// <summary>A 401 with a reason for the log.</summary>
    public static AuthDecision Challenge(string reason, bool stale = false) => new(AuthVerdict.Challenge, null, false, stale, reason);

    /// <summary>Accepted on <see cref="Devices.DeviceCredentials.Previous"/>: the device has not switched to its new credential yet.</summary>
    public bool UsedPreviousCredential { get; init; }

    /// <summary>Accepted on the device's own current Digest or Basic credential (not a certificate, the bootstrap or a previous one).</summary>
    public bool UsedCurrentCredential => Verdict == AuthVerdict.Accepted && !UsedPreviousCredential && Method is Devices.AuthMethods.DigestMd5 or Devices.AuthMethods.DigestSha256 or Devices.AuthMethods.Basic;
    /// <summary>For an accepted client certificate: its binding (<see cref="Identity.CertificateBinding.Of"/>), stored on the device.</summary>
    public string? CertificateBinding { get; init; }

    /// <summary>
    /// True when the credentials presented belong to a weaker way in than the one the device is bound to (the
    /// bootstrap credential, or Digest for a certificate-bound device): a second party may be claiming the id.
    /// </summary>
    public bool ClaimConflict { get; init; }
}
