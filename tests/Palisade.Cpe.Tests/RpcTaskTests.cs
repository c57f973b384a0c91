using System.Security.Cryptography;
using System.Text.Json;
using Palisade.Acs.Storage;
using Palisade.Cwmp.Events;
using Palisade.Security.Signing;
using Palisade.Testing;
using static Palisade.Cpe.Tests.AgentFixture;

namespace Palisade.Cpe.Tests;

/// <summary>The rest of the RPC set as tasks, against the real server and agent (issue 23, item 1).</summary>
public sealed class RpcTaskTests : IAsyncLifetime
{
    private readonly ECDsa _trusted = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private readonly Dictionary<string, byte[]> _files = new(StringComparer.Ordinal);
    private TestServer _server = null!;
    private TestWebServer _fileServer = null!;

    public async Task InitializeAsync()
    {
        _server = await TestServer.StartAsync();
        _fileServer = await TestWebServer.StartTrustedAsync(_server, TestWebServer.Files(_files));
        Publish("/fw-2.0.0.bin", RandomNumberGenerator.GetBytes(10_000), "2.0.0");
        Publish("/vpn-agent.ipk", RandomNumberGenerator.GetBytes(5_000), "1.0.0");
        Publish("/vpn-agent-1.1.ipk", RandomNumberGenerator.GetBytes(5_000), "1.1.0");
    }

    public async Task DisposeAsync()
    {
        await _fileServer.DisposeAsync();
        await _server.DisposeAsync();
        _trusted.Dispose();
    }

    [Fact]
    public async Task GetRpcMethods_and_a_scheduled_download_that_completes_with_transfer_complete()
    {
        await using var agent = Trusting("RPC001");
        await SessionOkAsync(agent);
        var methods = await QueueAsync(_server, agent, """{"name":"getRPCMethods"}""");
        var scheduled = await QueueAsync(_server, agent, $$"""{"name":"scheduleDownload","fileType":"1 Firmware Upgrade Image","url":"{{_fileServer.Url}}fw-2.0.0.bin","timeWindows":[{"start":0,"end":600,"mode":"1 At Any Time","maxRetries":-1}]}""");
        await SessionOkAsync(agent);

        var listed = await TaskAsync(_server, methods);
        Assert.Equal(DeviceTaskStatus.Done, listed.Status);
        var names = JsonDocument.Parse(listed.Result!).RootElement.GetProperty("methods").EnumerateArray().Select(m => m.GetString()).ToList();
        Assert.Contains("ChangeDUState", names);
        Assert.Contains("ScheduleDownload", names);
        Assert.Contains("pending", (await TaskAsync(_server, scheduled)).Result, StringComparison.Ordinal);

        await TransferDoneAsync(agent, "the scheduled download");
        Assert.Contains(agent.PendingEvents, e => e.EventCode == EventCodes.MScheduleDownload && e.CommandKey == "task-" + scheduled.Id);
        await SessionOkAsync(agent);
        var done = await TaskAsync(_server, scheduled);
        Assert.Equal(DeviceTaskStatus.Done, done.Status);
        Assert.Contains("completed", done.Result, StringComparison.Ordinal);
        Assert.Equal("2.0.0", agent.Model.SoftwareVersion);
    }

    [Fact]
    public async Task Queued_transfers_are_listed_and_a_transfer_not_started_is_cancelled()
    {
        await using var agent = Trusting("RPC002");
        await SessionOkAsync(agent);
        var later = await QueueAsync(_server, agent, $$"""{"name":"scheduleDownload","fileType":"1 Firmware Upgrade Image","url":"{{_fileServer.Url}}fw-2.0.0.bin","fileSize":10000,"timeWindows":[{"start":3600,"end":7200}]}""");
        await SessionOkAsync(agent);

        var all = await QueueAsync(_server, agent, """{"name":"getAllQueuedTransfers"}""");
        var queued = await QueueAsync(_server, agent, """{"name":"getQueuedTransfers"}""");
        var cancel = await QueueAsync(_server, agent, $$"""{"name":"cancelTransfer","taskId":{{later.Id}}}""");
        var after = await QueueAsync(_server, agent, """{"name":"getAllQueuedTransfers"}""");
        await SessionOkAsync(agent);

        var transfer = JsonDocument.Parse((await TaskAsync(_server, all)).Result!).RootElement.GetProperty("transfers").EnumerateArray().Single();
        Assert.Equal("task-" + later.Id, transfer.GetProperty("commandKey").GetString());
        Assert.Equal(1, transfer.GetProperty("state").GetInt32());
        Assert.True(transfer.GetProperty("isDownload").GetBoolean());
        Assert.Equal(10000, transfer.GetProperty("fileSize").GetInt32());
        Assert.Single(JsonDocument.Parse((await TaskAsync(_server, queued)).Result!).RootElement.GetProperty("transfers").EnumerateArray());
        Assert.Equal(DeviceTaskStatus.Done, (await TaskAsync(_server, cancel)).Status);
        Assert.Empty(JsonDocument.Parse((await TaskAsync(_server, after)).Result!).RootElement.GetProperty("transfers").EnumerateArray());

        // Cancelling it again: the CPE has nothing of that key, fault 9021.
        var again = await QueueAsync(_server, agent, $$"""{"name":"cancelTransfer","commandKey":"task-{{later.Id}}"}""");
        await SessionOkAsync(agent);
        var refused = await TaskAsync(_server, again);
        Assert.Equal(DeviceTaskStatus.Faulted, refused.Status);
        Assert.Equal(9021, refused.Fault!.Code);
    }

    [Fact]
    public async Task Deployment_units_are_installed_updated_and_uninstalled_and_recorded_on_the_device()
    {
        await using var agent = Trusting("RPC003");
        await SessionOkAsync(agent);
        const string Uuid = "3f2504e0-4f89-11d3-9a0c-0305e82c3301";
        var install = await QueueAsync(_server, agent, $$"""{"name":"changeDUState","operations":[{"op":"install","url":"{{_fileServer.Url}}vpn-agent.ipk","uuid":"{{Uuid}}"}]}""");
        await SessionOkAsync(agent);
        Assert.Contains("pending", (await TaskAsync(_server, install)).Result, StringComparison.Ordinal);

        await DuChangeDoneAsync(agent);
        await SessionOkAsync(agent);
        var installed = await TaskAsync(_server, install);
        Assert.True(installed.Status == DeviceTaskStatus.Done, installed.Fault?.Message);
        Assert.Contains(Uuid, installed.Result, StringComparison.Ordinal);
        Assert.Equal("1.0.0", await CachedAsync(agent, "Device.SoftwareModules.DeploymentUnit.1.Version"));
        Assert.Equal("vpn-agent", await CachedAsync(agent, "Device.SoftwareModules.DeploymentUnit.1.Name"));
        Assert.Equal("Active", await CachedAsync(agent, "Device.SoftwareModules.ExecutionUnit.1.Status"));

        var update = await QueueAsync(_server, agent, $$"""{"name":"changeDUState","operations":[{"op":"update","uuid":"{{Uuid}}","url":"{{_fileServer.Url}}vpn-agent-1.1.ipk"}]}""");
        await SessionOkAsync(agent);
        await DuChangeDoneAsync(agent);
        await SessionOkAsync(agent);
        Assert.Equal(DeviceTaskStatus.Done, (await TaskAsync(_server, update)).Status);
        Assert.Equal("1.1.0", await CachedAsync(agent, "Device.SoftwareModules.DeploymentUnit.1.Version"));

        // Uninstalling it, and a unit the device does not have: the task faults with 9028 and lists both results.
        var uninstall = await QueueAsync(_server, agent, $$"""{"name":"changeDUState","operations":[{"op":"uninstall","uuid":"{{Uuid}}"},{"op":"uninstall","uuid":"00000000-0000-0000-0000-000000000001"}]}""");
        await SessionOkAsync(agent);
        await DuChangeDoneAsync(agent);
        await SessionOkAsync(agent);
        var removed = await TaskAsync(_server, uninstall);
        Assert.Equal(DeviceTaskStatus.Faulted, removed.Status);
        Assert.Equal(9028, removed.Fault!.Code);
        Assert.Contains("Uninstalled", removed.Fault.Detail, StringComparison.Ordinal);
        Assert.Empty(agent.Software.Units);
        Assert.Equal("0", await CachedAsync(agent, "Device.SoftwareModules.DeploymentUnitNumberOfEntries"));
    }

    [Fact]
    public async Task A_request_download_is_recorded_as_a_device_event()
    {
        await using var agent = Trusting("RPC004");
        await SessionOkAsync(agent);
        agent.RequestDownload("1 Firmware Upgrade Image", [new("Version", "2.0.0")]);
        await SessionOkAsync(agent);
        var events = await _server.Host.Store.ListEventsAsync(Id(agent), 20, CancellationToken.None);
        var request = Assert.Single(events, e => e.Code == EventCodes.RequestDownload);
        Assert.Contains("1 Firmware Upgrade Image", request.Detail, StringComparison.Ordinal);
        Assert.Contains("2.0.0", request.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_request_download_queues_the_most_specific_stored_file_of_its_type_once()
    {
        var files = _server.Host.Store;
        async Task StoreAsync(string name, string type, string? oui, string? productClass, string? model, int age)
        {
            var content = System.Text.Encoding.UTF8.GetBytes(name);
            var file = new Palisade.Acs.Files.StoredFile(name, type, "2.0.0", oui, productClass, model, Convert.ToHexStringLower(SHA256.HashData(content)), content.Length, "{}", null, null, DateTimeOffset.UtcNow.AddMinutes(-age), "test");
            Assert.True(await files.PutFileAsync(file, new MemoryStream(content), CancellationToken.None));
        }

        await StoreAsync("rd-any.bin", "1 Firmware Upgrade Image", null, null, null, 1);
        await StoreAsync("rd-gw-old.bin", "1 Firmware Upgrade Image", "00D09E", "SIM-GW", null, 30);
        await StoreAsync("rd-gw.bin", "1 Firmware Upgrade Image", "00D09E", "SIM-GW", null, 10);
        await StoreAsync("rd-other-model.bin", "1 Firmware Upgrade Image", "00D09E", "SIM-GW", "OTHER 9000", 1);
        await StoreAsync("rd-other-class.bin", "1 Firmware Upgrade Image", "00D09E", "OTHER", null, 1);
        await StoreAsync("rd-cfg.bin", "3 Vendor Configuration File", "00D09E", "OTHER", null, 1);

        await using var agent = Trusting("RPC005");
        await SessionOkAsync(agent);
        agent.RequestDownload("1 Firmware Upgrade Image", []);
        agent.RequestDownload("1 Firmware Upgrade Image", []);
        agent.RequestDownload("3 Vendor Configuration File", []);
        await SessionOkAsync(agent);

        // Two matching files name the device's OUI and class (the model matches none): the newer one, queued once; no
        // configuration file is for this class, so that request stays an event.
        var queued = await files.ListTasksAsync(Id(agent), 20, CancellationToken.None);
        var task = Assert.Single(queued);
        Assert.Equal(DeviceTaskStatus.Queued, task.Status);
        var download = Assert.IsType<Palisade.Acs.Tasks.DownloadTask>(Palisade.Acs.Tasks.TaskJson.Parse(task.Payload));
        Assert.Equal("rd-gw.bin", download.FileName);
        Assert.Equal("1 Firmware Upgrade Image", download.FileType);
        Assert.Equal((uint)"rd-gw.bin".Length, download.FileSize);
        var events = await _server.Host.Store.ListEventsAsync(Id(agent), 20, CancellationToken.None);
        Assert.Contains(events, e => e.Code == EventCodes.RequestDownload && e.Detail!.Contains("3 Vendor Configuration File", StringComparison.Ordinal));
    }

    private static Task DuChangeDoneAsync(Palisade.Cpe.Agent.CpeAgent agent) =>
        EventuallyAsync(() => Task.FromResult(agent.PendingEvents.Any(e => e.EventCode == EventCodes.DuStateChangeComplete)), "the DU state change");

    private async Task<string?> CachedAsync(Palisade.Cpe.Agent.CpeAgent agent, string path) =>
        (await _server.Host.Store.GetParametersAsync(Id(agent), path, CancellationToken.None)).SingleOrDefault(p => p.Path == path)?.Value;

    private Palisade.Cpe.Agent.CpeAgent Trusting(string serial) =>
        NewAgent(_server, serial, o => o.SigningKeys[FileSignature.KeyIdOf(_trusted)] = _trusted);

    private void Publish(string path, byte[] file, string version)
    {
        _files[path] = file;
        _files[path + ".sig"] = FileSignature.Sign(file, version, _trusted).ToJson();
    }
}
