namespace Palisade.Cwmp.Messages;

/// <summary>Asks for the CPE's options (TR-069 A.4.1.3, <c>GetOptions</c>).</summary>
/// <param name="OptionName">An option name, or empty for all.</param>
public sealed record GetOptionsRequest(
    string OptionName) : CwmpMessage
{
    /// <inheritdoc />
    public override string MethodName => "GetOptions";

    /// <inheritdoc />
    public override bool IsResponse => false;
}
