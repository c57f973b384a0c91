using Microsoft.Extensions.Logging.Abstractions;
using Palisade.Acs.Provisioning;
using Palisade.Acs.Provisioning.Scripts;
using Palisade.Acs.Tests.Sessions;
using Palisade.Cpe.Model;
using Palisade.Cwmp.Messages;
using Palisade.Cwmp.Structs;

namespace Palisade.Acs.Tests.Provisioning;

/// <summary>The session engine with the provisioning step, over presets in memory, answered by the simulator's data models.</summary>
internal sealed class ProvisioningHarness : IAsyncDisposable
{
    private static readonly ScriptLimits Limits = new() { Timeout = TimeSpan.FromSeconds(2), SessionBudget = TimeSpan.FromSeconds(10) };

    public ProvisioningHarness(
        MemoryProvisioning source,
        IScriptExtensions? extensions = null,
        Func<Acs.Storage.IDeviceRegistry, Acs.Storage.IDeviceRegistry>? registry = null,
        Func<Acs.Storage.IPalisadeStore, IScheduledBackups>? backups = null,
        Microsoft.Extensions.Logging.ILogger? logger = null,
        Func<EngineHarness, IProvisionedDownloads>? downloads = null,
        Func<EngineHarness, IEnumerable<Acs.Sessions.ISessionStep>>? trailingSteps = null)
    {
        Source = source;
        Engine = EngineHarness.Create(extraStep: h =>
        {
            Faults = new ChannelFaultService(h.Store, new ChannelFaultOptions(), h.Time);
            return new ProvisioningStep(source, registry is null ? h.Store : registry(h.Store), Faults, extensions, new ScriptSandbox(Limits), new ScriptCompiler(Limits), logger ?? NullLogger.Instance)
            {
                Backups = backups?.Invoke(h.Store),
                Downloads = downloads?.Invoke(h),
            };
        }, trailingSteps: trailingSteps);
    }

    public ChannelFaultService Faults { get; private set; } = null!;

    public MemoryProvisioning Source { get; }

    public EngineHarness Engine { get; }

    public SimulatedCpe Cpe(string serial, string model) => new(Engine, serial, model);

    public ValueTask DisposeAsync() => Engine.DisposeAsync();
}

/// <summary>An engine CPE whose answers come from a TR-098 or TR-181 gateway model of the simulator.</summary>
internal sealed class SimulatedCpe
{
    public SimulatedCpe(EngineHarness harness, string serial, string model)
    {
        Cpe = harness.NewCpe(serial);
        Model = new CpeDataModel(DeviceTemplate.Build(DeviceProfile.Gateway(model)), new DeviceIdentity("Palisade Test", "00D09E", "HGW", serial, "HGW-1", "rev-A"), harness.Time);
    }

    public EngineCpe Cpe { get; }

    public CpeDataModel Model { get; }

    /// <summary>A whole session with these events; returns the ACS's requests after the Inform, in order.</summary>
    public async Task<List<CwmpMessage>> SessionAsync(params string[] events)
    {
        await InformAsync(events);
        return await Cpe.FinishSessionAsync(Answer);
    }

    /// <summary>
    /// A session that dies (the connection drops, never to come back) when the ACS sends a request that
    /// <paramref name="last"/> picks, before the device answers it; returns the requests up to that one. The engine
    /// commits nothing of it (the caller lets it time out).
    /// </summary>
    public async Task<List<CwmpMessage>> SessionDyingAtAsync(Func<CwmpMessage, bool> last, params string[] events)
    {
        await InformAsync(events);
        var seen = new List<CwmpMessage>();
        var reply = await Cpe.EmptyPostAsync();
        while (reply.Status == 200)
        {
            seen.Add(reply.Body!);
            if (last(reply.Body!))
            {
                Cpe.Cookie = null;
                return seen;
            }

            reply = await Cpe.AnswerAsync(reply, Cpe.Handle(reply.Body!, Answer));
        }

        throw new InvalidOperationException("The session ended before the request it was to die at: " + string.Join(", ", seen.Select(m => m.GetType().Name)));
    }

    private async Task InformAsync(string[] events)
    {
        var root = Model.Root.TrimEnd('.');
        string[] names = [root + ".DeviceInfo.HardwareVersion", root + ".DeviceInfo.SoftwareVersion", root + ".ManagementServer.ConnectionRequestURL", root + ".ManagementServer.ParameterKey"];
        var inform = new InformRequest(
            new DeviceIdStruct("Palisade Test", "00D09E", "HGW", Cpe.Serial),
            [.. (events.Length == 0 ? ["2 PERIODIC"] : events).Select(e => new EventStruct(e))],
            1,
            EngineHarness.Start,
            0,
            [.. Model.GetValues(names)]);
        var reply = await Cpe.InformAsync(inform);
        Assert.Equal(200, reply.Status);
    }

    /// <summary>The requests of provisioning: without the engine's own credential writes.</summary>
    public static List<CwmpMessage> Provisioning(List<CwmpMessage> seen) =>
        [.. seen.Where(m => m is not SetParameterValuesRequest set || !set.ParameterList.Any(p => p.Name.EndsWith("ManagementServer.Password", StringComparison.Ordinal) || p.Name.EndsWith("ManagementServer.ConnectionRequestPassword", StringComparison.Ordinal) && p.Value.Text.Length > 20))];

    public CwmpMessage Answer(CwmpMessage request)
    {
        try
        {
            return request switch
            {
                GetParameterNamesRequest gpn => new GetParameterNamesResponse([.. Model.GetNames(gpn.ParameterPath, gpn.NextLevel)]),
                GetParameterValuesRequest gpv => new GetParameterValuesResponse([.. Model.GetValues(gpv.ParameterNames)]),
                SetParameterValuesRequest spv => Set(spv),
                AddObjectRequest add => new AddObjectResponse(Model.AddObject(add.ObjectName, add.ParameterKey), 0),
                DeleteObjectRequest delete => Delete(delete),
                RebootRequest => new RebootResponse(),
                FactoryResetRequest => new FactoryResetResponse(),
                DownloadRequest => new DownloadResponse(1, default, default),
                _ => new CwmpFault(9000),
            };
        }
        catch (CpeFaultException e)
        {
            return e.Fault;
        }
    }

    private SetParameterValuesResponse Set(SetParameterValuesRequest spv)
    {
        Model.SetValues(spv.ParameterList, spv.ParameterKey);
        return new SetParameterValuesResponse(0);
    }

    private DeleteObjectResponse Delete(DeleteObjectRequest delete)
    {
        Model.DeleteObject(delete.ObjectName, delete.ParameterKey);
        return new DeleteObjectResponse(0);
    }
}
