namespace Palisade.Acs.Storage;

/// <summary>Why a store operation failed. Each reason maps to one HTTP status at the API.</summary>
public enum StoreErrorReason
{
    /// <summary>The thing asked for does not exist (404).</summary>
    NotFound,

    /// <summary>The write breaks a rule of the store (a value too long, a conflicting state) and nothing was written (409).</summary>
    Rejected,

    /// <summary>The store could not be reached or is damaged (503).</summary>
    Unavailable,
}

/// <summary>The one exception a store implementation throws; nothing was written when it is thrown from a write.</summary>
public sealed class StoreException : Exception
{
    /// <summary>Creates the exception.</summary>
    public StoreException(StoreErrorReason reason, string message, Exception? inner = null)
        : base(message, inner)
    {
        Reason = reason;
    }

    /// <summary>Creates an exception with a generic message.</summary>
    public StoreException()
        : this(StoreErrorReason.Unavailable, "The store failed.")
    {
    }

    /// <summary>Creates an exception with the given message.</summary>
    public StoreException(string message)
        : this(StoreErrorReason.Unavailable, message)
    {
    }

    /// <summary>Creates an exception with the given message and cause.</summary>
    public StoreException(string message, Exception inner)
        : this(StoreErrorReason.Unavailable, message, inner)
    {
    }

    /// <summary>Why it failed.</summary>
    public StoreErrorReason Reason { get; }
}
