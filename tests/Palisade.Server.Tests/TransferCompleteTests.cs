using Palisade.Acs.Devices;
using Palisade.Acs.Storage;
using Palisade.Acs.Tasks;
using Palisade.Cwmp;
using Palisade.Cwmp.Envelope;
using Palisade.Cwmp.Messages;
using Palisade.Cwmp.Structs;

using Palisade.Testing;

namespace Palisade.Server.Tests;

/// <summary>A TransferComplete closes only a transfer this ACS sent and that is still outstanding, and only once (issue 24, medium 5).</summary>
public sealed class TransferCompleteTests : IAsyncLifetime
{
    private TestServer _server = null!;

    public async Task InitializeAsync() => _server = await TestServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task A_transfer_complete_cannot_finish_a_cancelled_a_never_sent_or_an_already_closed_task()
    {
        using var cpe = TestCpe.Bootstrap(_server, "SN-TC-GUARD");
        await cpe.RunSessionAsync(null, "0 BOOTSTRAP");
        var id = new DeviceId("00D09E", "HGW", "SN-TC-GUARD");
        using var again = new TestCpe(_server, "SN-TC-GUARD", cpe.Username, cpe.Password);
        var store = _server.Host.Store;

        // A factory reset the operator cancelled, and a download still queued (never sent).
        var reset = await QueueAsync(id, """{"name":"factoryReset"}""");
        Assert.True(await store.CancelTaskAsync(reset.Id, DateTimeOffset.UtcNow, CancellationToken.None));
        var download = await QueueAsync(id, """{"name":"download","fileType":"1 Firmware Upgrade Image","url":"https://files.example.net/fw.bin"}""");
        Assert.Equal(200, (await again.SendInformAsync(CwmpVersion.V1_4, "7 TRANSFER COMPLETE")).StatusCode);
        await TransferCompleteAsync(again, reset.Id, success: true);
        await TransferCompleteAsync(again, download.Id, success: true);

        // The download goes out in this session and is answered "completes later".
        var sent = await again.EmptyPostAsync();
        Assert.IsType<DownloadRequest>(sent.Envelope!.Body);
        Assert.Equal(204, (await again.AnswerAsync(sent, TestCpe.Default(sent.Envelope.Body!))).StatusCode);
        again.EndSession();
        Assert.Equal(DeviceTaskStatus.Cancelled, (await store.GetTaskAsync(reset.Id, CancellationToken.None))!.Status);
        Assert.Contains("pending", (await store.GetTaskAsync(download.Id, CancellationToken.None))!.Result, StringComparison.Ordinal);

        // Its TransferComplete closes it once; a second one (claiming the opposite) changes nothing.
        Assert.Equal(200, (await again.SendInformAsync(CwmpVersion.V1_4, "7 TRANSFER COMPLETE")).StatusCode);
        await TransferCompleteAsync(again, download.Id, success: false);
        Assert.Equal(204, (await again.EmptyPostAsync()).StatusCode);
        again.EndSession();
        Assert.Equal(200, (await again.SendInformAsync(CwmpVersion.V1_4, "7 TRANSFER COMPLETE")).StatusCode);
        await TransferCompleteAsync(again, download.Id, success: true);
        Assert.Equal(204, (await again.EmptyPostAsync()).StatusCode);
        var closed = (await store.GetTaskAsync(download.Id, CancellationToken.None))!;
        Assert.Equal((DeviceTaskStatus.Faulted, 9010), (closed.Status, closed.Fault!.Code));
    }

    private async Task<DeviceTask> QueueAsync(DeviceId id, string json)
    {
        var definition = TaskJson.Parse(json);
        return await _server.Host.Store.AddTaskAsync(id, new NewTask(definition.Name, TaskJson.Serialize(definition), DateTimeOffset.UtcNow, null), CancellationToken.None);
    }

    private static async Task TransferCompleteAsync(TestCpe cpe, long taskId, bool success)
    {
        var fault = success ? new TransferFault(0, string.Empty) : new TransferFault(9010, "download failed");
        var reply = await cpe.SendAsync(CwmpEnvelope.For(CwmpVersion.V1_4, "tc-" + taskId, new TransferCompleteRequest(TaskCommandKey.For(taskId), fault, DateTimeOffset.UtcNow, DateTimeOffset.UtcNow)));
        Assert.IsType<TransferCompleteResponse>(reply.Envelope!.Body);
    }
}
