namespace Palisade.Acs.Identity;

/// <summary>Why <see cref="EnrollmentGate.Admit"/> turned a bootstrap session away: 403 (not allowed) or 503 (not now).</summary>
/// <param name="Status">The HTTP status to answer.</param>
/// <param name="Reason">For the log and the response; never contains a secret.</param>
public sealed record EnrollmentRefusal(int Status, string Reason);
