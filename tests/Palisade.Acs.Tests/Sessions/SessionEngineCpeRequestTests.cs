using System.Security.Authentication;
using Palisade.Acs.Sessions;
using Palisade.Acs.Storage;
using Palisade.Cwmp;
using Palisade.Cwmp.Envelope;
using Palisade.Cwmp.Faults;
using Palisade.Cwmp.Messages;
using Palisade.Cwmp.Structs;
using Palisade.Cwmp.Values;

namespace Palisade.Acs.Tests.Sessions;

/// <summary>What a CPE sends on its own inside a session: TransferComplete, repeated requests, a broken body.</summary>
public sealed class SessionEngineCpeRequestTests : IAsyncLifetime
{
    private const string Firmware = """{"name":"download","fileType":"1 Firmware Upgrade Image","url":"https://files.example/fw-2.0.bin"}""";

    private EngineHarness _acs = null!;

    public Task InitializeAsync()
    {
        _acs = EngineHarness.Create(o => o.MaxCpeRequestsPerSession = 3);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _acs.DisposeAsync();

    [Fact]
    public async Task A_TransferComplete_finishes_a_download_of_its_own_device_and_not_of_another()
    {
        var owner = await _acs.EnrolledCpeAsync("SN-FW-OWNER");
        var other = await _acs.EnrolledCpeAsync("SN-FW-OTHER", "192.0.2.30");
        var task = await _acs.QueueAsync(owner, Firmware);
        string? commandKey = null;
        await owner.RunSessionAsync(request =>
        {
            commandKey = Assert.IsType<DownloadRequest>(request).CommandKey;
            return new DownloadResponse(1, CwmpDateTime.Unknown, CwmpDateTime.Unknown);
        });
        Assert.Contains("pending", (await _acs.TaskAsync(task.Id)).Result, StringComparison.Ordinal);

        // Another device names the owner's task in its TransferComplete: answered, and ignored.
        Assert.Equal(200, (await other.InformAsync("7 TRANSFER COMPLETE")).Status);
        var forged = await other.PostAsync(Request(new TransferCompleteRequest(commandKey!, new TransferFault(9010, "Download failure"), EngineHarness.Start, EngineHarness.Start)));
        Assert.IsType<TransferCompleteResponse>(forged.Body);
        Assert.Empty(await other.FinishSessionAsync());
        var untouched = await _acs.TaskAsync(task.Id);
        Assert.Equal(DeviceTaskStatus.Done, untouched.Status);
        Assert.Null(untouched.Fault);
        Assert.Contains("pending", untouched.Result, StringComparison.Ordinal);

        // The owner's own report fails the task with the CPE's fault.
        Assert.Equal(200, (await owner.InformAsync("7 TRANSFER COMPLETE", "M Download")).Status);
        var own = await owner.PostAsync(Request(new TransferCompleteRequest(commandKey!, new TransferFault(9010, "Download failure"), EngineHarness.Start, EngineHarness.Start)));
        Assert.IsType<TransferCompleteResponse>(own.Body);
        Assert.Empty(await owner.FinishSessionAsync());
        var failed = await _acs.TaskAsync(task.Id);
        Assert.Equal(DeviceTaskStatus.Faulted, failed.Status);
        Assert.Equal(9010, failed.Fault!.Code);
    }

    [Fact]
    public async Task A_successful_TransferComplete_marks_the_download_completed()
    {
        var cpe = await _acs.EnrolledCpeAsync("SN-FW-OK");
        var task = await _acs.QueueAsync(cpe, Firmware);
        string? commandKey = null;
        await cpe.RunSessionAsync(request =>
        {
            commandKey = Assert.IsType<DownloadRequest>(request).CommandKey;
            return new DownloadResponse(1, CwmpDateTime.Unknown, CwmpDateTime.Unknown);
        });

        Assert.Equal(200, (await cpe.InformAsync("7 TRANSFER COMPLETE", "M Download")).Status);
        await cpe.PostAsync(Request(new TransferCompleteRequest(commandKey!, TransferFault.None, EngineHarness.Start, EngineHarness.Start)));
        await cpe.FinishSessionAsync();

        var done = await _acs.TaskAsync(task.Id);
        Assert.Equal(DeviceTaskStatus.Done, done.Status);
        Assert.Contains("completed", done.Result, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cpe_requests_beyond_the_per_session_limit_get_a_fault_and_the_session_goes_on()
    {
        var cpe = await _acs.EnrolledCpeAsync("SN-LOOP");
        Assert.Equal(200, (await cpe.InformAsync()).Status);

        var replies = new List<EngineReply>();
        for (var i = 0; i < 4; i++)
        {
            replies.Add(await cpe.PostAsync(Request(new GetRPCMethodsRequest())));
        }

        Assert.All(replies.Take(3), r => Assert.IsType<GetRPCMethodsResponse>(r.Body));
        Assert.Equal(FaultCode.AcsResourcesExceeded, Assert.IsType<CwmpFault>(replies[3].Body).FaultCode);
        Assert.Equal(204, (await cpe.EmptyPostAsync()).Status);
    }

    [Fact]
    public async Task A_broken_body_in_a_session_ends_it_and_keeps_what_it_had_learned()
    {
        var cpe = await _acs.EnrolledCpeAsync("SN-BROKEN");
        var first = await _acs.QueueAsync(cpe, """{"name":"getParameterValues","parameterNames":["Device.DeviceInfo.UpTime"]}""");
        var second = await _acs.QueueAsync(cpe, """{"name":"reboot"}""");
        Assert.Equal(200, (await cpe.InformAsync()).Status);
        var sent = await cpe.EmptyPostAsync();
        Assert.IsType<RebootRequest>((await cpe.AnswerAsync(sent, EngineCpe.Default(sent.Body!))).Body);

        var broken = await _acs.Engine.HandleAsync(
            new CwmpHttpRequest("POST", "/", cpe.Cookie, null, "<soap:Envelope"u8.ToArray(), new ConnectionFacts(cpe.Address, 40000, SslProtocols.None, null)),
            CancellationToken.None);

        Assert.Equal(400, broken.StatusCode);
        Assert.Equal(0, _acs.Engine.OpenSessions);
        Assert.Equal(DeviceTaskStatus.Done, (await _acs.TaskAsync(first.Id)).Status);
        Assert.Equal(DeviceTaskStatus.Queued, (await _acs.TaskAsync(second.Id)).Status);
    }

    private static CwmpEnvelope Request(CwmpMessage message) => CwmpEnvelope.For(CwmpVersion.V1_4, "cpe-" + message.MethodName, message);
}
