using Jint;

namespace Palisade.Acs.Provisioning;

/// <summary>
/// Checks that a script parses as the sandbox will run it (its body inside a strict-mode function, as
/// <see cref="Scripts.ScriptCompiler"/> wraps it), so a script that could never run is refused when it is written.
/// </summary>
public static class ScriptSyntax
{
    /// <summary>The parser's complaint, or null when <paramref name="body"/> parses.</summary>
    public static string? Check(string name, string body)
    {
        ArgumentNullException.ThrowIfNull(body);
        try
        {
            // Only parsed, never run. The closing brace on its own line keeps a trailing line comment from swallowing it.
            Engine.PrepareScript("(function () {\n" + body + "\n})()", source: name, strict: true);
            return null;
        }
        catch (ScriptPreparationException e)
        {
            return e.InnerException?.Message ?? e.Message;
        }
    }
}
