using Palisade.Acs.Storage;
using Palisade.Acs.Tasks;
using Palisade.Cpe.Agent;
using Palisade.Storage.Sqlite;

namespace Palisade.Bench.Fleet.Scenarios;

/// <summary>
/// New devices enrolling: each device's enrollment is followed by the discovery of its whole tree (the names, then the
/// values), queued when the device first appears, as an operator's policy would.
/// </summary>
internal sealed class BootstrapScenario : IFleetScenario
{
    public string Name => "bootstrap";

    public string Help => "enrollment with discovery of each device's tree; --parameters defaults to 500";

    public int DefaultParameters => 500;

    public Registration Registration(BenchRun run) =>
        new((agent, ct) => EnrollAndDiscoverAsync(agent, run.Queue.Store(), ct), SessionsPerDevice: 2, Done: " and discovered their trees");

    // First contact (enrollment, credential rotation), then the discovery of the device's whole tree in its next
    // session: every name with its writability, then every value.
    private static async Task<SessionOutcome> EnrollAndDiscoverAsync(CpeAgent agent, SqliteStore store, CancellationToken cancellationToken)
    {
        var enrolled = await SessionLoops.ServedAsync(agent, cancellationToken).ConfigureAwait(false);
        if (!enrolled.Success)
        {
            return enrolled;
        }

        var id = BenchFleets.DeviceIdOf(agent);
        var root = agent.Model.Root;
        await store.AddTaskAsync(id, new NewTask("getParameterNames", TaskJson.Serialize(new GetParameterNamesTask(root, NextLevel: false)), DateTimeOffset.UtcNow, null), cancellationToken).ConfigureAwait(false);
        await store.AddTaskAsync(id, new NewTask("getParameterValues", TaskJson.Serialize(new GetParameterValuesTask([root])), DateTimeOffset.UtcNow, null), cancellationToken).ConfigureAwait(false);
        return await SessionLoops.ServedAsync(agent, cancellationToken).ConfigureAwait(false);
    }
}
