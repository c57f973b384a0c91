namespace Palisade.Cwmp.Messages;

/// <summary>Reboots the CPE after the session (TR-069 A.3.2.9, <c>Reboot</c>).</summary>
/// <param name="CommandKey">Returned in the M Reboot event.</param>
public sealed record RebootRequest(
    string CommandKey) : CwmpMessage
{
    /// <inheritdoc />
    public override string MethodName => "Reboot";

    /// <inheritdoc />
    public override bool IsResponse => false;
}
