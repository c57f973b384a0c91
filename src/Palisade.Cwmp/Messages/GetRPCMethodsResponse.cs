namespace Palisade.Cwmp.Messages;

/// <summary>The RPC methods the sender supports (TR-069 A.3.1.1, <c>GetRPCMethodsResponse</c>).</summary>
/// <param name="MethodList">The supported method names.</param>
public sealed record GetRPCMethodsResponse(
    EquatableList<string> MethodList) : CwmpMessage
{
    /// <inheritdoc />
    public override string MethodName => "GetRPCMethodsResponse";

    /// <inheritdoc />
    public override bool IsResponse => true;
}
