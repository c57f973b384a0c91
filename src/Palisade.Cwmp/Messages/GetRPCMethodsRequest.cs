namespace Palisade.Cwmp.Messages;

/// <summary>Asks the other side which RPCs it supports; either side may send it (TR-069 A.3.1.1, <c>GetRPCMethods</c>).</summary>
public sealed record GetRPCMethodsRequest : CwmpMessage
{
    /// <inheritdoc />
    public override string MethodName => "GetRPCMethods";

    /// <inheritdoc />
    public override bool IsResponse => false;
}
