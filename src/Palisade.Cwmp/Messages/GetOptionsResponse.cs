using Palisade.Cwmp.Structs;

namespace Palisade.Cwmp.Messages;

/// <summary>The options (TR-069 A.4.1.3, <c>GetOptionsResponse</c>).</summary>
/// <param name="OptionList">The options.</param>
public sealed record GetOptionsResponse(
    EquatableList<OptionStruct> OptionList) : CwmpMessage
{
    /// <inheritdoc />
    public override string MethodName => "GetOptionsResponse";

    /// <inheritdoc />
    public override bool IsResponse => true;
}
