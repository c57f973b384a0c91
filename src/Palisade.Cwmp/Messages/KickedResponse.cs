namespace Palisade.Cwmp.Messages;

/// <summary>Tells the CPE where to send the user (TR-069 A.4.2.3, <c>KickedResponse</c>).</summary>
/// <param name="NextUrl">The next URL.</param>
public sealed record KickedResponse(
    string NextUrl) : CwmpMessage
{
    /// <inheritdoc />
    public override string MethodName => "KickedResponse";

    /// <inheritdoc />
    public override bool IsResponse => true;
}
