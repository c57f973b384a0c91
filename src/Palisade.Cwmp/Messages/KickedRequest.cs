namespace Palisade.Cwmp.Messages;

/// <summary>Reports a web-based kick from a subscriber page (TR-069 A.4.2.3, <c>Kicked</c>).</summary>
/// <param name="Command">The kick command.</param>
/// <param name="Referer">The referring page.</param>
/// <param name="Arg">The command argument.</param>
/// <param name="Next">The URL the user should go to next.</param>
public sealed record KickedRequest(
    string Command,
    string Referer,
    string Arg,
    string Next) : CwmpMessage
{
    /// <inheritdoc />
    public override string MethodName => "Kicked";

    /// <inheritdoc />
    public override bool IsResponse => false;
}
