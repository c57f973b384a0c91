namespace Palisade.Cwmp.Messages;

/// <summary>The outcome of SetParameterValues (TR-069 A.3.2.1, <c>SetParameterValuesResponse</c>).</summary>
/// <param name="Status">0 applied, 1 applied but takes effect after a reboot or other action.</param>
public sealed record SetParameterValuesResponse(
    int Status) : CwmpMessage
{
    /// <inheritdoc />
    public override string MethodName => "SetParameterValuesResponse";

    /// <inheritdoc />
    public override bool IsResponse => true;
}
