namespace Palisade.Acs.Tasks;

/// <summary>
/// GenieACS's <c>refreshObject</c>: list the names under a path (GetParameterNames), then read the values of what was
/// found (GetParameterValues), so the cached subtree matches the device. <see cref="RefreshObjectStep"/> runs it.
/// </summary>
/// <param name="ObjectName">A partial path ending with '.', or empty for the whole tree.</param>
public sealed record RefreshObjectTask(string ObjectName) : TaskDefinition
{
    /// <inheritdoc />
    public override string Name => "refreshObject";
}
