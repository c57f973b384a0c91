using Palisade.Acs.Storage;
using Palisade.Cwmp.Messages;
using Palisade.Cwmp.Structs;
using Palisade.Cwmp.Values;

namespace Palisade.Acs.Tests.Sessions;

/// <summary>
/// Sessions that do not end with a 204: the timeout sweep, a new Inform that supersedes a session, a device that
/// tries to hold two sessions, and load shedding. The fake clock decides what has timed out.
/// </summary>
public sealed class SessionEngineTimeoutTests : IAsyncLifetime
{
    private const string GetUptime = """{"name":"getParameterValues","parameterNames":["Device.DeviceInfo.UpTime"]}""";
    private const string Reboot = """{"name":"reboot"}""";

    private EngineHarness _acs = null!;

    public Task InitializeAsync()
    {
        _acs = EngineHarness.Create(o => o.SessionTimeout = TimeSpan.FromSeconds(30));
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _acs.DisposeAsync();

    [Fact]
    public async Task A_silent_cpe_is_swept_what_it_answered_is_committed_and_the_unanswered_task_stays_queued()
    {
        var cpe = await _acs.EnrolledCpeAsync("SN-SILENT");
        var answered = await _acs.QueueAsync(cpe, GetUptime);
        var unanswered = await _acs.QueueAsync(cpe, Reboot);
        _acs.Time.Advance(TimeSpan.FromMinutes(5));
        Assert.Equal(200, (await cpe.InformAsync("2 PERIODIC")).Status);
        var first = await cpe.EmptyPostAsync();
        var second = await cpe.AnswerAsync(first, new GetParameterValuesResponse([new ParameterValueStruct("Device.DeviceInfo.UpTime", ParameterValue.UnsignedInt(77))]));
        Assert.IsType<RebootRequest>(second.Body);

        // The CPE dies before answering the reboot. Within the timeout nothing is swept.
        _acs.Time.Advance(TimeSpan.FromSeconds(29));
        Assert.Equal(0, await _acs.Engine.SweepExpiredAsync(CancellationToken.None));
        Assert.Equal(1, _acs.Engine.OpenSessions);
        Assert.Equal(DeviceTaskStatus.Queued, (await _acs.TaskAsync(answered.Id)).Status);

        _acs.Time.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal(1, await _acs.Engine.SweepExpiredAsync(CancellationToken.None));

        Assert.Equal(0, _acs.Engine.OpenSessions);
        Assert.Equal(1, _acs.Engine.Counters.SessionsFailed.Value);
        Assert.Equal(DeviceTaskStatus.Done, (await _acs.TaskAsync(answered.Id)).Status);
        Assert.Equal(DeviceTaskStatus.Queued, (await _acs.TaskAsync(unanswered.Id)).Status);
        Assert.Contains(await _acs.Store.GetParametersAsync(cpe.Id, null, CancellationToken.None), p => p.Path == "Device.DeviceInfo.UpTime" && p.Value == "77");
        var device = await _acs.DeviceAsync(cpe);
        Assert.Equal(EngineHarness.Start.AddMinutes(5), device.LastInformAt);
        Assert.Equal("2 PERIODIC", device.LastEvents);

        // A late answer on the old cookie finds no session; the device's next session gets the reboot again.
        var late = await cpe.AnswerAsync(second, new RebootResponse());
        Assert.Equal(400, late.Status);
        cpe.Cookie = null;
        Assert.IsType<RebootRequest>(Assert.Single(await cpe.RunSessionAsync(null, "1 BOOT")));
        Assert.Equal(DeviceTaskStatus.Done, (await _acs.TaskAsync(unanswered.Id)).Status);
    }

    [Fact]
    public async Task Each_request_restarts_the_session_timeout()
    {
        var cpe = await _acs.EnrolledCpeAsync("SN-SLOW");
        await _acs.QueueAsync(cpe, GetUptime);
        await _acs.QueueAsync(cpe, GetUptime);
        Assert.Equal(200, (await cpe.InformAsync()).Status);

        _acs.Time.Advance(TimeSpan.FromSeconds(20));
        var first = await cpe.EmptyPostAsync();
        _acs.Time.Advance(TimeSpan.FromSeconds(20));
        var second = await cpe.AnswerAsync(first, EngineCpe.Default(first.Body!));
        _acs.Time.Advance(TimeSpan.FromSeconds(20));

        Assert.Equal(0, await _acs.Engine.SweepExpiredAsync(CancellationToken.None));
        Assert.Equal(204, (await cpe.AnswerAsync(second, EngineCpe.Default(second.Body!))).Status);
        // The enrollment session and this one.
        Assert.Equal(2, _acs.Engine.Counters.SessionsCompleted.Value);
        Assert.Equal(0, _acs.Engine.Counters.SessionsFailed.Value);
    }

    [Fact]
    public async Task A_second_Inform_supersedes_the_open_session_which_is_committed_first()
    {
        var cpe = await _acs.EnrolledCpeAsync("SN-AGAIN");
        var answered = await _acs.QueueAsync(cpe, GetUptime);
        var unanswered = await _acs.QueueAsync(cpe, Reboot);
        Assert.Equal(200, (await cpe.InformAsync()).Status);
        var oldCookie = cpe.Cookie;
        var first = await cpe.EmptyPostAsync();
        var second = await cpe.AnswerAsync(first, EngineCpe.Default(first.Body!));
        Assert.IsType<RebootRequest>(second.Body);

        // The CPE starts over inside the same HTTP session (same cookie), e.g. after a reboot of its agent.
        var again = await cpe.InformAsync("1 BOOT");

        Assert.Equal(200, again.Status);
        Assert.IsType<InformResponse>(again.Body);
        Assert.NotNull(again.Response.SetSessionCookie);
        Assert.NotEqual(oldCookie, again.Response.SetSessionCookie);
        Assert.Equal(1, _acs.Engine.OpenSessions);
        Assert.Equal(DeviceTaskStatus.Done, (await _acs.TaskAsync(answered.Id)).Status);
        Assert.Equal(DeviceTaskStatus.Queued, (await _acs.TaskAsync(unanswered.Id)).Status);
        Assert.Equal("2 PERIODIC", (await _acs.DeviceAsync(cpe)).LastEvents);

        Assert.IsType<RebootRequest>(Assert.Single(await cpe.FinishSessionAsync()));
        Assert.Equal("1 BOOT", (await _acs.DeviceAsync(cpe)).LastEvents);
        Assert.Equal(DeviceTaskStatus.Done, (await _acs.TaskAsync(unanswered.Id)).Status);
    }

    [Fact]
    public async Task A_device_is_never_in_two_sessions_at_once()
    {
        var cpe = await _acs.EnrolledCpeAsync("SN-TWICE");
        var task = await _acs.QueueAsync(cpe, GetUptime);
        Assert.Equal(200, (await cpe.InformAsync()).Status);
        var cookie = cpe.Cookie;

        // The same device on a second connection, without the first session's cookie.
        cpe.Cookie = null;
        var second = await cpe.InformAsync();

        Assert.Equal(503, second.Status);
        Assert.NotNull(second.Response.RetryAfter);
        Assert.Null(second.Response.SetSessionCookie);
        Assert.Equal(1, _acs.Engine.Counters.ConcurrentRefused.Value);
        Assert.Equal(1, _acs.Engine.OpenSessions);

        // The first session was not disturbed: it still gets the task, once.
        cpe.Cookie = cookie;
        Assert.IsType<GetParameterValuesRequest>(Assert.Single(await cpe.FinishSessionAsync()));
        Assert.Equal(DeviceTaskStatus.Done, (await _acs.TaskAsync(task.Id)).Status);
        Assert.Empty(await cpe.RunSessionAsync());
    }

    [Fact]
    public async Task Sessions_above_the_in_flight_limit_are_shed_with_503_and_Retry_After_until_one_ends()
    {
        await using var acs = EngineHarness.Create(o =>
        {
            o.MaxSessionsInFlight = 2;
            o.RetryAfter = TimeSpan.FromSeconds(45);
        });
        var a = await acs.EnrolledCpeAsync("SN-A");
        var b = await acs.EnrolledCpeAsync("SN-B");
        var c = await acs.EnrolledCpeAsync("SN-C");
        Assert.Equal(200, (await a.InformAsync()).Status);
        Assert.Equal(200, (await b.InformAsync()).Status);

        var shed = await c.InformAsync();

        Assert.Equal(503, shed.Status);
        Assert.Equal(TimeSpan.FromSeconds(45), shed.Response.RetryAfter);
        Assert.Null(shed.Response.SetSessionCookie);
        Assert.Equal(1, acs.Engine.Counters.Shed.Value);
        Assert.Equal(2, acs.Engine.OpenSessions);

        Assert.Empty(await a.FinishSessionAsync());
        Assert.Equal(200, (await c.InformAsync()).Status);
    }

    [Fact]
    public async Task A_swept_session_gives_its_in_flight_slot_back()
    {
        await using var acs = EngineHarness.Create(o => o.MaxSessionsInFlight = 1);
        var a = await acs.EnrolledCpeAsync("SN-GONE");
        var b = await acs.EnrolledCpeAsync("SN-NEXT");
        Assert.Equal(200, (await a.InformAsync()).Status);
        Assert.Equal(503, (await b.InformAsync()).Status);

        acs.Time.Advance(acs.Options.SessionTimeout + TimeSpan.FromSeconds(1));
        Assert.Equal(1, await acs.Engine.SweepExpiredAsync(CancellationToken.None));

        Assert.Equal(200, (await b.InformAsync()).Status);
    }

    [Fact]
    public async Task A_request_after_the_timeout_but_before_the_sweep_still_gets_the_session_committed()
    {
        await using var acs = EngineHarness.Create(o => o.MaxSessionsInFlight = 1);
        var cpe = await acs.EnrolledCpeAsync("SN-LATE");
        var answered = await acs.QueueAsync(cpe, GetUptime);
        await acs.QueueAsync(cpe, Reboot);
        Assert.Equal(200, (await cpe.InformAsync()).Status);
        var first = await cpe.EmptyPostAsync();
        var second = await cpe.AnswerAsync(first, EngineCpe.Default(first.Body!));

        // The reboot's answer comes just after the timeout, before the host's sweeper (once a second) has run.
        acs.Time.Advance(acs.Options.SessionTimeout + TimeSpan.FromMilliseconds(500));
        Assert.NotEqual(200, (await cpe.AnswerAsync(second, new RebootResponse())).Status);
        await acs.Engine.SweepExpiredAsync(CancellationToken.None);

        // The expired session ended like any timed-out one: what it learned is kept, and its slot is free again.
        Assert.Equal(DeviceTaskStatus.Done, (await acs.TaskAsync(answered.Id)).Status);
        Assert.Equal(0, acs.Engine.OpenSessions);
        await acs.EnrolledCpeAsync("SN-OTHER");
        Assert.Equal(1, acs.Engine.Counters.SessionsFailed.Value);
    }

    [Fact]
    public async Task A_new_Inform_after_the_timeout_but_before_the_sweep_does_not_lose_the_old_session()
    {
        await using var acs = EngineHarness.Create(o => o.MaxSessionsInFlight = 2);
        var cpe = await acs.EnrolledCpeAsync("SN-RETURN");
        var answered = await acs.QueueAsync(cpe, GetUptime);
        var unanswered = await acs.QueueAsync(cpe, Reboot);
        Assert.Equal(200, (await cpe.InformAsync()).Status);
        var first = await cpe.EmptyPostAsync();
        Assert.IsType<RebootRequest>((await cpe.AnswerAsync(first, EngineCpe.Default(first.Body!))).Body);

        // The CPE rebooted and comes back, on a new connection, just after the timeout and before the sweep.
        acs.Time.Advance(acs.Options.SessionTimeout + TimeSpan.FromMilliseconds(500));
        cpe.Cookie = null;
        var back = await cpe.InformAsync("1 BOOT", "M Reboot");
        if (back.Status == 503)
        {
            // Refused until the old session is swept: then it gets in.
            await acs.Engine.SweepExpiredAsync(CancellationToken.None);
            back = await cpe.InformAsync("1 BOOT", "M Reboot");
        }

        Assert.Equal(200, back.Status);
        Assert.Equal(DeviceTaskStatus.Done, (await acs.TaskAsync(answered.Id)).Status);
        Assert.IsType<RebootRequest>(Assert.Single(await cpe.FinishSessionAsync()));
        Assert.Equal(DeviceTaskStatus.Done, (await acs.TaskAsync(unanswered.Id)).Status);

        // Both sessions gave their slot back: two other devices get in at once.
        await acs.Engine.SweepExpiredAsync(CancellationToken.None);
        Assert.Equal(0, acs.Engine.OpenSessions);
        var a = await acs.EnrolledCpeAsync("SN-AFTER-A");
        var b = await acs.EnrolledCpeAsync("SN-AFTER-B");
        Assert.Equal(200, (await a.InformAsync()).Status);
        Assert.Equal(200, (await b.InformAsync()).Status);
    }
}
