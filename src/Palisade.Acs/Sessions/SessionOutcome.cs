namespace Palisade.Acs.Sessions;

/// <summary>How a CWMP session ended: the access log's <c>outcome=</c> and a counter each.</summary>
public enum SessionOutcome
{
    /// <summary>Ended by the ACS's 204 after the CPE had nothing more to say; committed.</summary>
    Ok,

    /// <summary>The CPE went silent for longer than the session timeout; what it learned was committed.</summary>
    Timeout,

    /// <summary>The CPE sent a message that is not well-formed CWMP; the session was ended.</summary>
    Malformed,

    /// <summary>The CPE sent a new Inform inside an open session and started over.</summary>
    Superseded,

    /// <summary>The CPE answered a request this session never sent.</summary>
    ProtocolError,

    /// <summary>The store refused the session's changes; its tasks stay queued.</summary>
    CommitFailed,

    /// <summary>The ACS failed while opening the session; nothing was committed.</summary>
    Error,
}

/// <summary>The log form of a <see cref="SessionOutcome"/>.</summary>
public static class SessionOutcomes
{
    /// <summary>The number of outcomes, for tables indexed by outcome.</summary>
    public const int Count = (int)SessionOutcome.Error + 1;

    /// <summary>The outcome's name in the access log, e.g. <c>protocol-error</c>. Never allocates.</summary>
    public static string ToText(this SessionOutcome outcome) => outcome switch
    {
        SessionOutcome.Ok => "ok",
        SessionOutcome.Timeout => "timeout",
        SessionOutcome.Malformed => "malformed",
        SessionOutcome.Superseded => "superseded",
        SessionOutcome.ProtocolError => "protocol-error",
        SessionOutcome.CommitFailed => "commit-failed",
        SessionOutcome.Error => "error",
        _ => throw new ArgumentOutOfRangeException(nameof(outcome)),
    };
}
