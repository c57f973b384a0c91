namespace Palisade.Acs.Services;

/// <summary>Why a service refused a request. Each reason maps to exactly one HTTP status at the API.</summary>
public enum ServiceErrorReason
{
    /// <summary>The request is malformed or breaks a rule; the message names the field (400).</summary>
    Invalid,

    /// <summary>No valid credential (401).</summary>
    Unauthenticated,

    /// <summary>The caller's role lacks the permission, or its scope is too narrow (403).</summary>
    Forbidden,

    /// <summary>No such thing, or not within the caller's scope (404).</summary>
    NotFound,

    /// <summary>The thing exists but is in a state that does not allow the change (409).</summary>
    Conflict,

    /// <summary>The request is well-formed but would cost more than one request may (422).</summary>
    TooMuchWork,

    /// <summary>Too many attempts; try again after <see cref="ServiceException.RetryAfter"/> (429).</summary>
    Throttled,
}
