using System.Collections.Concurrent;
using Microsoft.AspNetCore.Http;
using Palisade.Cwmp;
using Palisade.Cwmp.Codec;
using Palisade.Cwmp.Envelope;
using Palisade.Cwmp.Messages;
using Palisade.Cwmp.Structs;
using Palisade.Testing;
using static Palisade.Cpe.Tests.AgentFixture;

namespace Palisade.Cpe.Tests;

/// <summary>
/// The agent against an in-test ACS peer that plays a script: the RPCs Palisade's task queue does not issue
/// (transfer queue management), HoldRequests, and the exact messages a CPE sends.
/// </summary>
public sealed class ScriptedAcsTests : IAsyncLifetime
{
    private readonly ConcurrentQueue<CwmpMessage> _script = new();
    private readonly ConcurrentQueue<CwmpMessage> _received = new();
    private readonly ConcurrentQueue<CwmpMessage> _answers = new();
    private TestServer _server = null!;
    private TestWebServer _acs = null!;

    public bool HoldRequests { get; set; }

    public async Task InitializeAsync()
    {
        _server = await TestServer.StartAsync();
        _acs = await TestWebServer.StartTrustedAsync(_server, HandleAsync);
    }

    public async Task DisposeAsync()
    {
        await _acs.DisposeAsync();
        await _server.DisposeAsync();
    }

    [Fact]
    public async Task Transfers_are_queued_listed_and_cancelled()
    {
        await using var agent = NewAgent(_server, "SC0001", url: _acs.Url);
        _script.Enqueue(new GetRPCMethodsRequest());
        _script.Enqueue(new ScheduleDownloadRequest("sd-1", "1 Firmware Upgrade Image", "https://127.0.0.1:1/fw.bin", "", "", 0, "", [new TimeWindowStruct(3600, 7200, "1 At Any Time", "", -1)]));
        _script.Enqueue(new DownloadRequest("dl-1", "1 Firmware Upgrade Image", "https://127.0.0.1:1/fw.bin", "", "", 0, "", 3600, "", ""));
        _script.Enqueue(new GetQueuedTransfersRequest());
        _script.Enqueue(new GetAllQueuedTransfersRequest());
        _script.Enqueue(new CancelTransferRequest("sd-1"));
        _script.Enqueue(new CancelTransferRequest("no-such-key"));
        _script.Enqueue(new GetQueuedTransfersRequest());
        _script.Enqueue(new ChangeDUStateRequest([], "du"));
        await SessionOkAsync(agent);

        var answers = _answers.ToList();
        Assert.Contains("ScheduleDownload", Assert.IsType<GetRPCMethodsResponse>(answers[0]).MethodList);
        Assert.IsType<ScheduleDownloadResponse>(answers[1]);
        Assert.Equal(1, Assert.IsType<DownloadResponse>(answers[2]).Status);
        Assert.Equal(["sd-1", "dl-1"], Assert.IsType<GetQueuedTransfersResponse>(answers[3]).TransferList.Select(t => t.CommandKey));
        var all = Assert.IsType<GetAllQueuedTransfersResponse>(answers[4]).TransferList;
        Assert.All(all, t => Assert.True(t.IsDownload && t.State == 1));
        Assert.IsType<CancelTransferResponse>(answers[5]);
        Assert.Equal(9021, Assert.IsType<CwmpFault>(answers[6]).FaultCode);
        Assert.Equal(["dl-1"], Assert.IsType<GetQueuedTransfersResponse>(answers[7]).TransferList.Select(t => t.CommandKey));
        // The agent implements ChangeDUState (its software-module model); one without operations is invalid (9003).
        Assert.Equal(9003, Assert.IsType<CwmpFault>(answers[8]).FaultCode);

        // Next session: the download is still waiting for its delay; cancel it too.
        _script.Enqueue(new CancelTransferRequest("dl-1"));
        _script.Enqueue(new GetAllQueuedTransfersRequest());
        await SessionOkAsync(agent);
        answers = [.. _answers.Skip(9)];
        Assert.IsType<CancelTransferResponse>(answers[0]);
        Assert.Empty(Assert.IsType<GetAllQueuedTransfersResponse>(answers[1]).TransferList);
    }

    [Fact]
    public async Task The_inform_carries_identity_events_versions_and_forced_parameters()
    {
        await using var agent = NewAgent(_server, "SC0002", url: _acs.Url);
        await SessionOkAsync(agent);
        var inform = Assert.IsType<InformRequest>(_received.First());
        Assert.Equal("SC0002", inform.DeviceId.SerialNumber);
        Assert.Equal(["0 BOOTSTRAP", "1 BOOT"], inform.Events.Select(e => e.EventCode));
        Assert.Equal(1u, inform.MaxEnvelopes);
        Assert.Contains(inform.ParameterList, p => p.Name == "Device.DeviceInfo.SoftwareVersion" && p.Value.Text == "1.0.0");
        Assert.Contains(inform.ParameterList, p => p.Name == "Device.ManagementServer.ConnectionRequestURL");
        Assert.Contains(inform.ParameterList, p => p.Name == "Device.RootDataModelVersion" && p.Value.Text == "2.17");

        // The next session is a periodic one: the delivered events are gone.
        await SessionOkAsync(agent);
        Assert.Equal(["2 PERIODIC"], _received.OfType<InformRequest>().Last().Events.Select(e => e.EventCode));
    }

    [Fact]
    public async Task Hold_requests_keeps_the_cpe_requests_for_later()
    {
        await using var agent = NewAgent(_server, "SC0003", url: _acs.Url);
        _script.Enqueue(new DownloadRequest("dl-2", "1 Firmware Upgrade Image", "https://127.0.0.1:1/fw.bin", "", "", 0, "", 0, "", ""));
        await SessionOkAsync(agent);
        await EventuallyAsync(() => Task.FromResult(agent.PendingEvents.Any(e => e.EventCode == "7 TRANSFER COMPLETE")), "the failed transfer");

        HoldRequests = true;
        await SessionOkAsync(agent);
        Assert.DoesNotContain(_received, m => m is TransferCompleteRequest);

        HoldRequests = false;
        await SessionOkAsync(agent);
        var complete = Assert.Single(_received.OfType<TransferCompleteRequest>());
        Assert.Equal("dl-2", complete.CommandKey);
        Assert.Equal(9015, complete.Fault.FaultCode);
    }

    private async Task HandleAsync(HttpContext context)
    {
        using var body = new MemoryStream();
        await context.Request.Body.CopyToAsync(body);
        var envelope = body.Length == 0 ? CwmpEnvelope.Empty : CwmpReader.Parse(body.ToArray());
        CwmpMessage? reply = null;
        var header = new CwmpHeader { Id = envelope.Header.Id };
        switch (envelope.Body)
        {
            case InformRequest inform:
                _received.Enqueue(inform);
                reply = new InformResponse(1);
                header = header with { HoldRequests = HoldRequests ? true : null };
                break;
            case TransferCompleteRequest transfer:
                _received.Enqueue(transfer);
                reply = new TransferCompleteResponse();
                break;
            case { IsResponse: true } answer:
                _answers.Enqueue(answer);
                break;
        }

        if (reply is null && _script.TryDequeue(out var next))
        {
            reply = next;
            header = new CwmpHeader { Id = "acs-" + _answers.Count };
        }

        if (reply is null)
        {
            context.Response.StatusCode = 204;
            return;
        }

        context.Response.ContentType = "text/xml";
        await context.Response.Body.WriteAsync(CwmpWriter.ToBytes(new CwmpEnvelope(CwmpVersion.V1_4, header, reply)));
    }
}
