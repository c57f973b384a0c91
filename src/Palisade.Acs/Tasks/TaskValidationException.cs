namespace Palisade.Acs.Tasks;

/// <summary>A task definition that cannot be queued: the message says which field is wrong and why, in words an API client can act on.</summary>
public sealed class TaskValidationException : Exception
{
    /// <summary>Creates the exception.</summary>
    public TaskValidationException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a cause.</summary>
    public TaskValidationException(string message, Exception inner)
        : base(message, inner)
    {
    }

    /// <summary>Creates the exception with a generic message.</summary>
    public TaskValidationException()
        : base("Invalid task definition.")
    {
    }
}
