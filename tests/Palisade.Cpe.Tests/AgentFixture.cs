using Palisade.Acs.Devices;
using Palisade.Acs.Storage;
using Palisade.Acs.Tasks;
using Palisade.Cpe.Agent;
using Palisade.Cpe.Model;
using Palisade.Testing;

namespace Palisade.Cpe.Tests;

/// <summary>Agents against the real Palisade on 127.0.0.1 over TLS.</summary>
internal static class AgentFixture
{
    public static readonly DeviceTemplate Gateway = DeviceTemplate.Build(DeviceProfile.Gateway());

    public static CpeAgent NewAgent(TestServer server, string serial, Action<AgentOptions>? configure = null, Uri? url = null)
    {
        var bootstrap = server.Host.Facts.Bootstrap!;
        var options = new AgentOptions { AcsUrl = url ?? server.Url, Username = bootstrap.Username, Password = bootstrap.Password };
        options.TrustedCas.AddRange(server.Host.Facts.ClientCertificateAnchors);
        configure?.Invoke(options);
        var identity = new DeviceIdentity("Palisade Simulated", "00D09E", "SIM-GW", serial, "SIM-GW 1000", "rev-A");
        return new CpeAgent(new CpeDataModel(Gateway, identity), options);
    }

    public static DeviceId Id(CpeAgent agent) => new("00D09E", "SIM-GW", agent.Model.Identity.SerialNumber);

    public static async Task<Device> DeviceAsync(TestServer server, CpeAgent agent) =>
        (await server.Host.Store.GetDeviceAsync(Id(agent), CancellationToken.None))!;

    public static async Task<DeviceTask> QueueAsync(TestServer server, CpeAgent agent, string json)
    {
        var definition = TaskJson.Parse(json);
        return await server.Host.Store.AddTaskAsync(Id(agent), new NewTask(definition.Name, TaskJson.Serialize(definition), DateTimeOffset.UtcNow, null), CancellationToken.None);
    }

    public static async Task<DeviceTask> TaskAsync(TestServer server, DeviceTask task) =>
        (await server.Host.Store.GetTaskAsync(task.Id, CancellationToken.None))!;

    public static async Task SessionOkAsync(CpeAgent agent)
    {
        var outcome = await agent.RunSessionAsync(CancellationToken.None);
        Assert.True(outcome.Success, outcome.ToString());
    }

    /// <summary>Waits until the agent has finished a transfer it runs after a session (a TransferComplete is pending).</summary>
    public static Task TransferDoneAsync(CpeAgent agent, string what) =>
        EventuallyAsync(() => Task.FromResult(agent.PendingEvents.Any(e => e.EventCode == Palisade.Cwmp.Events.EventCodes.TransferComplete)), what);

    /// <summary>Waits until <paramref name="condition"/> holds (for work the agent does after a session, on its own thread over real sockets).</summary>
    public static Task EventuallyAsync(Func<Task<bool>> condition, string what, int seconds = 15) =>
        Eventually.HoldsAsync(condition, what, TimeSpan.FromSeconds(seconds));
}
