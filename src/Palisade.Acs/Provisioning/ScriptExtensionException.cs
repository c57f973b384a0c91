namespace Palisade.Acs.Provisioning;

/// <summary>An <c>ext()</c> call that is not allowed, timed out, answered too much or an error.</summary>
public sealed class ScriptExtensionException : Exception
{
    /// <summary>Creates the exception.</summary>
    public ScriptExtensionException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with its cause.</summary>
    public ScriptExtensionException(string message, Exception inner)
        : base(message, inner)
    {
    }

    /// <summary>Creates the exception.</summary>
    public ScriptExtensionException()
    {
    }
}
