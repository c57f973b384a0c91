using Palisade.Acs.Sessions;
using Palisade.Acs.Storage;
using Palisade.Acs.Tasks;

namespace Palisade.Acs.Files;

/// <summary>Running a task stored during a session in that same session.</summary>
internal static class SessionTasks
{
    /// <summary>Offers <paramref name="task"/> to the session's steps; true when one took it (it runs in this session).</summary>
    public static bool TryRunNow(CwmpSession session, DeviceTask task, TaskDefinition definition)
    {
        foreach (var step in session.Steps)
        {
            if (step.TryRunTask(session, task, definition))
            {
                return true;
            }
        }

        return false;
    }
}
