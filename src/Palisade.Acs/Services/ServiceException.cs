using Palisade.Acs.Access;

namespace Palisade.Acs.Services;

/// <summary>
/// The one exception the services throw for a refused request. The message says what to do and never shows
/// internals or client input beyond a short clip; <see cref="Reason"/> picks the status.
/// </summary>
public sealed class ServiceException : Exception
{
    /// <summary>Creates the exception.</summary>
    public ServiceException(ServiceErrorReason reason, string message, string? field = null, TimeSpan? retryAfter = null)
        : base(message)
    {
        Reason = reason;
        Field = field;
        RetryAfter = retryAfter;
    }

    /// <summary>Creates an exception with a generic message.</summary>
    public ServiceException()
        : this(ServiceErrorReason.Invalid, "The request is not valid.")
    {
    }

    /// <summary>Creates an exception with the given message.</summary>
    public ServiceException(string message)
        : this(ServiceErrorReason.Invalid, message)
    {
    }

    /// <summary>Creates an exception with the given message and cause.</summary>
    public ServiceException(string message, Exception inner)
        : base(message, inner)
    {
        Reason = ServiceErrorReason.Invalid;
    }

    /// <summary>Why the request was refused.</summary>
    public ServiceErrorReason Reason { get; }

    /// <summary>The input field at fault (for <see cref="ServiceErrorReason.Invalid"/>), or null.</summary>
    public string? Field { get; }

    /// <summary>For <see cref="ServiceErrorReason.Throttled"/>: when to try again.</summary>
    public TimeSpan? RetryAfter { get; }

    /// <summary>A 400 that names the field.</summary>
    public static ServiceException Invalid(string field, string message) => new(ServiceErrorReason.Invalid, message, field);

    /// <summary>A 404 that does not tell "absent" from "outside your scope".</summary>
    public static ServiceException NotFound(string what) => new(ServiceErrorReason.NotFound, $"No {what} with that id (or not within your scope).");

    /// <summary>A 403 naming the missing permission.</summary>
    public static ServiceException Forbidden(Permission permission) => new(ServiceErrorReason.Forbidden, $"Your role does not include the permission '{Roles.Name(permission)}'.");

    /// <summary>A 403 with its own reason.</summary>
    public static ServiceException Forbidden(string message) => new(ServiceErrorReason.Forbidden, message);

    /// <summary>A 409.</summary>
    public static ServiceException Conflict(string message) => new(ServiceErrorReason.Conflict, message);

    /// <summary>A 422.</summary>
    public static ServiceException TooMuchWork(string message) => new(ServiceErrorReason.TooMuchWork, message);
}
