using Acornima.Ast;
using Jint;

namespace Palisade.Acs.Provisioning.Scripts;

/// <summary>
/// One version of a script, parsed once (<see cref="ScriptCompiler"/>) and run by any number of sessions at once: the
/// parsed form is immutable; each run gets an engine of its own.
/// </summary>
internal sealed class CompiledScript
{
    private CompiledScript(string name, string sha256, Prepared<Script>? program, ScriptFault? error)
    {
        Name = name;
        Sha256 = sha256;
        Program = program;
        Error = error;
    }

    /// <summary>The provision's or virtual parameter's name.</summary>
    public string Name { get; }

    /// <summary>The SHA-256 of the body, hex: the version.</summary>
    public string Sha256 { get; }

    /// <summary>The parsed program, or null when it does not compile.</summary>
    public Prepared<Script>? Program { get; }

    /// <summary>Why it does not compile, or null.</summary>
    public ScriptFault? Error { get; }

    public static CompiledScript Compiled(string name, string sha256, Prepared<Script> program) => new(name, sha256, program, null);

    public static CompiledScript Failed(string name, string sha256, ScriptFault error) => new(name, sha256, null, error);
}
