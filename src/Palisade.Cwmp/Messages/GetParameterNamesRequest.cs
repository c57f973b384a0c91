namespace Palisade.Cwmp.Messages;

/// <summary>Asks the CPE for the parameter and object names under a path (TR-069 A.3.2.3, <c>GetParameterNames</c>).</summary>
/// <param name="ParameterPath">A full parameter name, a partial path ending with '.', or empty for the whole tree.</param>
/// <param name="NextLevel">Only the next level below a partial path (true) or the whole subtree (false).</param>
public sealed record GetParameterNamesRequest(
    string ParameterPath,
    bool NextLevel) : CwmpMessage
{
    /// <inheritdoc />
    public override string MethodName => "GetParameterNames";

    /// <inheritdoc />
    public override bool IsResponse => false;
}
