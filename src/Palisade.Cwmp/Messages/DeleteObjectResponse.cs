namespace Palisade.Cwmp.Messages;

/// <summary>The outcome of DeleteObject (TR-069 A.3.2.7, <c>DeleteObjectResponse</c>).</summary>
/// <param name="Status">0 applied, 1 takes effect later.</param>
public sealed record DeleteObjectResponse(
    int Status) : CwmpMessage
{
    /// <inheritdoc />
    public override string MethodName => "DeleteObjectResponse";

    /// <inheritdoc />
    public override bool IsResponse => true;
}
