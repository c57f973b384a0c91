namespace Palisade.Acs.Provisioning;

/// <summary>A provision or virtual parameter as stored.</summary>
/// <param name="Kind">Which names it lives among.</param>
/// <param name="Name">Its name.</param>
/// <param name="Body">The JavaScript source.</param>
/// <param name="Sha256">The hex SHA-256 of the body (<see cref="ScriptHash"/>).</param>
/// <param name="UpdatedAt">When it was last written.</param>
/// <param name="UpdatedBy">Who wrote it (<c>key:NAME</c>, <c>user:NAME</c>, <c>import</c>).</param>
public sealed record StoredScript(ScriptKind Kind, string Name, string Body, string Sha256, DateTimeOffset UpdatedAt, string UpdatedBy)
{
    /// <summary>The version a session runs.</summary>
    public ScriptSource Source => new(Name, Body, Sha256);
}
