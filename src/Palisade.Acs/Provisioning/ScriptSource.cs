namespace Palisade.Acs.Provisioning;

/// <summary>
/// One version of a script (a provision, a virtual parameter, or a preset's generated legacy configuration): its
/// body and the SHA-256 of that body. The hash names the version, so a compiled script is kept per hash and compiled
/// once, not once per session.
/// </summary>
/// <param name="Name">The provision or virtual parameter's name (for a generated script, <c>preset:NAME</c>).</param>
/// <param name="Body">The JavaScript source.</param>
/// <param name="Sha256">The lower-case hex SHA-256 of the UTF-8 body.</param>
public sealed record ScriptSource(string Name, string Body, string Sha256)
{
    /// <summary>A source for <paramref name="body"/>, with its hash computed.</summary>
    public static ScriptSource Of(string name, string body) => new(name, body, ScriptHash.Of(body));
}
