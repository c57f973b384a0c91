using System.Globalization;

namespace Palisade.Acs.Tasks;

/// <summary>
/// The command (or parameter) key that ties a CPE's later reports (TransferComplete, a parameter key) to the task
/// that caused them: <c>task-N</c>.
/// </summary>
public static class TaskCommandKey
{
    private const string Prefix = "task-";

    /// <summary>The key for task <paramref name="taskId"/>.</summary>
    public static string For(long taskId) => Prefix + taskId.ToString(CultureInfo.InvariantCulture);

    /// <summary>The task id in a key this ACS issued, or null.</summary>
    public static long? TaskIdFrom(string? commandKey) =>
        commandKey is not null && commandKey.StartsWith(Prefix, StringComparison.Ordinal)
        && long.TryParse(commandKey.AsSpan(Prefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out var id)
            ? id
            : null;
}
