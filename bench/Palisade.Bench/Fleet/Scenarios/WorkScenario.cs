using Palisade.Acs.Storage;
using Palisade.Acs.Tasks;
using Palisade.Cpe.Agent;
using Palisade.Cwmp.Values;

namespace Palisade.Bench.Fleet.Scenarios;

/// <summary>
/// Sessions that carry work: tasks queued before each periodic session, alternately a GetParameterValues of 50
/// parameters and a SetParameterValues of 5. The scenario is the periodic one with <c>--tasks 2</c>; any scenario
/// that takes <c>--tasks</c> queues them through <see cref="QueueWork"/>.
/// </summary>
internal sealed class WorkScenario : IFleetScenario
{
    public string Name => "work";

    public string Help => "GetParameterValues of 50 and SetParameterValues of 5 per session";

    public int DefaultTasksPerSession => 2;

    // Before each session: TASKS tasks for the device, alternately a GetParameterValues of 50 of its parameters and
    // a SetParameterValues of 5 (the work scenario's pair), queued as the API queues them.
    public static Func<CpeAgent, Task> QueueWork(CpeAgent sample, ITaskStore store, int tasks, CancellationToken cancellationToken)
    {
        var names = sample.Model.GetNames(sample.Model.Root, false).Where(p => !p.IsObject).Select(p => p.Name).Take(50).ToList();
        var gpv = TaskJson.Serialize(new GetParameterValuesTask(names));
        var spv = TaskJson.Serialize(new SetParameterValuesTask(
        [
            new("Device.WiFi.SSID.1.SSID", ParameterValue.String("bench-1")),
            new("Device.WiFi.SSID.2.SSID", ParameterValue.String("bench-2")),
            new("Device.WiFi.SSID.1.Enable", ParameterValue.Boolean(true)),
            new("Device.WiFi.SSID.2.Enable", ParameterValue.Boolean(true)),
            new("Device.WiFi.AccessPoint.1.SSIDAdvertisementEnabled", ParameterValue.Boolean(true)),
        ]));
        return async agent =>
        {
            var id = BenchFleets.DeviceIdOf(agent);
            for (var i = 0; i < tasks; i++)
            {
                var task = i % 2 == 0 ? new NewTask("getParameterValues", gpv, DateTimeOffset.UtcNow, null) : new NewTask("setParameterValues", spv, DateTimeOffset.UtcNow, null);
                await store.AddTaskAsync(id, task, cancellationToken).ConfigureAwait(false);
            }
        };
    }
}
