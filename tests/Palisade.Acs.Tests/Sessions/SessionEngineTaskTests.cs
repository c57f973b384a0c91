using Palisade.Acs.Storage;
using Palisade.Cwmp.Messages;
using Palisade.Cwmp.Structs;
using Palisade.Cwmp.Values;

namespace Palisade.Acs.Tests.Sessions;

/// <summary>Operator tasks in a session: one RPC at a time, in queue order, answers and faults committed at the end.</summary>
public sealed class SessionEngineTaskTests : IAsyncLifetime
{
    private const string GetUptime = """{"name":"getParameterValues","parameterNames":["Device.DeviceInfo.UpTime"]}""";
    private const string SetLabel = """{"name":"setParameterValues","parameterValues":[["Device.DeviceInfo.ProvisioningCode","lab-7","xsd:string"]]}""";

    private EngineHarness _acs = null!;

    public Task InitializeAsync()
    {
        _acs = EngineHarness.Create();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _acs.DisposeAsync();

    [Fact]
    public async Task Queued_tasks_are_sent_one_at_a_time_in_order_and_committed_when_the_session_ends()
    {
        var cpe = await _acs.EnrolledCpeAsync("SN-TASKS");
        var get = await _acs.QueueAsync(cpe, GetUptime);
        var set = await _acs.QueueAsync(cpe, SetLabel);
        Assert.Equal(200, (await cpe.InformAsync()).Status);

        var first = await cpe.EmptyPostAsync();
        var gpv = Assert.IsType<GetParameterValuesRequest>(first.Body);
        Assert.Equal(["Device.DeviceInfo.UpTime"], gpv.ParameterNames);

        var second = await cpe.AnswerAsync(first, new GetParameterValuesResponse([new ParameterValueStruct("Device.DeviceInfo.UpTime", ParameterValue.UnsignedInt(4242))]));
        var spv = Assert.IsType<SetParameterValuesRequest>(second.Body);
        Assert.Equal("lab-7", Assert.Single(spv.ParameterList).Value.Text);
        Assert.NotEqual(first.Envelope!.Header.Id, second.Envelope!.Header.Id);

        // Answered but not yet committed: the store still holds the task as queued until the session ends.
        Assert.Equal(DeviceTaskStatus.Queued, (await _acs.TaskAsync(get.Id)).Status);
        Assert.Empty(_acs.Committed);

        var end = await cpe.AnswerAsync(second, new SetParameterValuesResponse(0));

        Assert.Equal(204, end.Status);
        var gotten = await _acs.TaskAsync(get.Id);
        Assert.Equal(DeviceTaskStatus.Done, gotten.Status);
        Assert.Contains("4242", gotten.Result, StringComparison.Ordinal);
        Assert.Equal(DeviceTaskStatus.Done, (await _acs.TaskAsync(set.Id)).Status);
        var cached = await _acs.Store.GetParametersAsync(cpe.Id, "Device.DeviceInfo.", CancellationToken.None);
        Assert.Contains(cached, p => p.Path == "Device.DeviceInfo.UpTime" && p.Value == "4242");
        Assert.Contains(cached, p => p.Path == "Device.DeviceInfo.ProvisioningCode" && p.Value == "lab-7");
        var committed = Assert.Single(_acs.Committed);
        Assert.Equal([get.Id, set.Id], committed.Select(u => u.TaskId));
        Assert.Equal(2, _acs.Engine.Counters.TasksDone.Value);
    }

    [Fact]
    public async Task A_fault_answer_faults_its_task_and_the_next_task_still_runs()
    {
        var cpe = await _acs.EnrolledCpeAsync("SN-FAULT");
        var bad = await _acs.QueueAsync(cpe, SetLabel);
        var good = await _acs.QueueAsync(cpe, GetUptime);

        var requests = await cpe.RunSessionAsync(request => request is SetParameterValuesRequest
            ? new CwmpFault(9007, "Invalid parameter value", [new SetParameterValuesFault("Device.DeviceInfo.ProvisioningCode", 9007, "too long")])
            : EngineCpe.Default(request));

        Assert.Equal(2, requests.Count);
        var faulted = await _acs.TaskAsync(bad.Id);
        Assert.Equal(DeviceTaskStatus.Faulted, faulted.Status);
        Assert.Equal(9007, faulted.Fault!.Code);
        Assert.Null(faulted.Result);
        Assert.Equal(DeviceTaskStatus.Done, (await _acs.TaskAsync(good.Id)).Status);
        Assert.Equal(1, _acs.Engine.Counters.TasksFaulted.Value);
        Assert.DoesNotContain(await _acs.Store.GetParametersAsync(cpe.Id, null, CancellationToken.None), p => p.Path == "Device.DeviceInfo.ProvisioningCode");
    }

    [Fact]
    public async Task A_task_past_its_expiry_on_the_clock_is_not_sent_and_is_marked_expired()
    {
        var cpe = await _acs.EnrolledCpeAsync("SN-EXPIRY");
        var shortLived = await _acs.QueueAsync(cpe, SetLabel, expiresIn: TimeSpan.FromHours(1));
        var longLived = await _acs.QueueAsync(cpe, GetUptime, expiresIn: TimeSpan.FromDays(1));

        _acs.Time.Advance(TimeSpan.FromHours(2));
        var requests = await cpe.RunSessionAsync();

        Assert.IsType<GetParameterValuesRequest>(Assert.Single(requests));
        Assert.Equal(DeviceTaskStatus.Expired, (await _acs.TaskAsync(shortLived.Id)).Status);
        Assert.Equal(DeviceTaskStatus.Done, (await _acs.TaskAsync(longLived.Id)).Status);
    }

    [Fact]
    public async Task A_task_within_its_expiry_is_sent()
    {
        var cpe = await _acs.EnrolledCpeAsync("SN-FRESH");
        var task = await _acs.QueueAsync(cpe, SetLabel, expiresIn: TimeSpan.FromHours(1));

        _acs.Time.Advance(TimeSpan.FromMinutes(59));
        var requests = await cpe.RunSessionAsync();

        Assert.IsType<SetParameterValuesRequest>(Assert.Single(requests));
        Assert.Equal(DeviceTaskStatus.Done, (await _acs.TaskAsync(task.Id)).Status);
    }

    [Fact]
    public async Task Tasks_beyond_the_per_session_limit_wait_for_the_next_session()
    {
        await using var acs = EngineHarness.Create(o => o.MaxRpcsPerSession = 2, a => a.RotateConnectionRequestCredentials = false);
        var cpe = await acs.EnrolledCpeAsync("SN-LIMIT");
        var tasks = new List<DeviceTask>();
        for (var i = 0; i < 3; i++)
        {
            tasks.Add(await acs.QueueAsync(cpe, GetUptime));
        }

        Assert.Equal(2, (await cpe.RunSessionAsync()).Count);
        Assert.Equal([DeviceTaskStatus.Done, DeviceTaskStatus.Done, DeviceTaskStatus.Queued], await StatusesAsync(acs, tasks));

        Assert.Single(await cpe.RunSessionAsync());
        Assert.All(await StatusesAsync(acs, tasks), s => Assert.Equal(DeviceTaskStatus.Done, s));
    }

    [Fact]
    public async Task An_answer_to_no_request_ends_the_session_and_leaves_the_task_queued()
    {
        var cpe = await _acs.EnrolledCpeAsync("SN-STRAY");
        var task = await _acs.QueueAsync(cpe, GetUptime);
        Assert.Equal(200, (await cpe.InformAsync()).Status);
        var sent = await cpe.EmptyPostAsync();
        Assert.IsType<GetParameterValuesRequest>(sent.Body);

        var stray = await cpe.AnswerAsync(sent, new RebootResponse());

        Assert.Equal(400, stray.Status);
        Assert.Equal(0, _acs.Engine.OpenSessions);
        Assert.Equal(DeviceTaskStatus.Queued, (await _acs.TaskAsync(task.Id)).Status);
        Assert.Equal(1, _acs.Engine.Counters.SessionsFailed.Value);
    }

    [Fact]
    public async Task A_cpe_request_in_the_session_is_answered_before_the_acs_sends_its_own()
    {
        var cpe = await _acs.EnrolledCpeAsync("SN-CPEREQ");
        await _acs.QueueAsync(cpe, GetUptime);
        Assert.Equal(200, (await cpe.InformAsync("1 BOOT")).Status);

        var methods = await cpe.PostAsync(Palisade.Cwmp.Envelope.CwmpEnvelope.For(Palisade.Cwmp.CwmpVersion.V1_4, "cpe-1", new GetRPCMethodsRequest()));

        var list = Assert.IsType<GetRPCMethodsResponse>(methods.Body);
        Assert.Contains("Inform", list.MethodList);
        Assert.Equal("cpe-1", methods.Envelope!.Header.Id);
        Assert.IsType<GetParameterValuesRequest>(Assert.Single(await cpe.FinishSessionAsync()));
    }

    private static async Task<List<DeviceTaskStatus>> StatusesAsync(EngineHarness acs, IEnumerable<DeviceTask> tasks)
    {
        var statuses = new List<DeviceTaskStatus>();
        foreach (var task in tasks)
        {
            statuses.Add((await acs.TaskAsync(task.Id)).Status);
        }

        return statuses;
    }
}
