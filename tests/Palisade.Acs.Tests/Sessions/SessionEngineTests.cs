using Palisade.Acs.Devices;
using Palisade.Acs.Sessions;
using Palisade.Cwmp.Messages;
using Palisade.Cwmp.Structs;
using Palisade.Cwmp.Values;

namespace Palisade.Acs.Tests.Sessions;

/// <summary>How a session starts and ends: Inform first and authenticated, enrollment, the empty POST and the 204.</summary>
public sealed class SessionEngineTests : IAsyncLifetime
{
    private EngineHarness _acs = null!;

    public Task InitializeAsync()
    {
        _acs = EngineHarness.Create();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _acs.DisposeAsync();

    [Fact]
    public async Task An_Inform_without_credentials_gets_digest_challenges_and_nothing_is_stored()
    {
        var cpe = _acs.NewCpe("SN-NOAUTH");

        var reply = await cpe.PostAsync(EngineCpe.InformEnvelope(cpe.Inform("0 BOOTSTRAP")));

        Assert.Equal(401, reply.Status);
        var challenges = reply.Header("WWW-Authenticate").ToList();
        Assert.NotEmpty(challenges);
        Assert.All(challenges, c => Assert.StartsWith("Digest ", c, StringComparison.Ordinal));
        Assert.Contains(challenges, c => c.Contains("algorithm=SHA-256", StringComparison.Ordinal));
        Assert.All(challenges, c => Assert.Contains("realm=\"palisade\"", c, StringComparison.Ordinal));
        Assert.Null(reply.Response.SetSessionCookie);
        Assert.Null(await _acs.Store.GetDeviceAsync(cpe.Id, CancellationToken.None));
        Assert.Equal(0, _acs.Engine.OpenSessions);
        // A first request without credentials is the normal start of Digest, not a failure.
        Assert.Equal(0, _acs.Engine.Counters.AuthFailures.Value);
    }

    [Fact]
    public async Task The_bootstrap_credential_admits_a_new_device_once_and_it_is_enrolled_in_the_same_session()
    {
        var cpe = _acs.NewCpe("SN-ENROLL");

        var inform = await cpe.InformAsync("0 BOOTSTRAP", "1 BOOT");
        Assert.Equal(200, inform.Status);
        Assert.Equal(1u, Assert.IsType<InformResponse>(inform.Body).MaxEnvelopes);
        Assert.NotNull(inform.Response.SetSessionCookie);
        Assert.Equal(1, _acs.Engine.OpenSessions);

        var requests = await cpe.FinishSessionAsync();

        var enrollment = Assert.IsType<SetParameterValuesRequest>(requests[0]);
        Assert.Equal(["Device.ManagementServer.Username", "Device.ManagementServer.Password"], enrollment.ParameterList.Select(p => p.Name));
        Assert.Equal(cpe.Id.ToString(), cpe.Username);
        Assert.True(cpe.Password.Length >= 24);
        Assert.NotEqual(EngineHarness.Bootstrap.Password, cpe.Password);
        Assert.IsType<SetParameterValuesRequest>(requests[1]);
        Assert.NotNull(cpe.ConnectionRequestUsername);
        Assert.Equal(2, requests.Count);

        var device = await _acs.DeviceAsync(cpe);
        Assert.True(device.Credentials.Enrolled);
        Assert.Equal(cpe.Id.ToString(), device.Credentials.Username);
        Assert.Equal(AuthMethods.Bootstrap, device.AuthMethod);
        Assert.Equal("http", device.Transport);
        Assert.Equal(EngineHarness.Start, device.LastInformAt);
        Assert.Equal(EngineHarness.Start, device.LastBootstrapAt);
        Assert.Equal("1.0.0", device.SoftwareVersion);
        Assert.Equal(cpe.ConnectionRequestUsername, device.ConnectionRequest!.Username);
        Assert.Equal("http://192.0.2.1:7547/cr", device.ConnectionRequest.Url);
        Assert.Equal(0, _acs.Engine.OpenSessions);
        Assert.Equal(1, _acs.Engine.Counters.SessionsCompleted.Value);
    }

    [Fact]
    public async Task An_enrolled_device_gets_in_with_its_own_credential_and_no_longer_with_the_bootstrap_one()
    {
        var cpe = await _acs.EnrolledCpeAsync("SN-OWN");
        _acs.Time.Advance(TimeSpan.FromHours(1));

        Assert.Empty(await cpe.RunSessionAsync());
        var device = await _acs.DeviceAsync(cpe);
        Assert.StartsWith("digest-", device.AuthMethod, StringComparison.Ordinal);
        Assert.Equal(EngineHarness.Start.AddHours(1), device.LastInformAt);

        var thief = _acs.NewCpe("SN-OWN", "198.51.100.7");
        var refused = await thief.InformAsync();
        Assert.Equal(401, refused.Status);
        Assert.Null(refused.Response.SetSessionCookie);
        Assert.Equal(1, _acs.Engine.Counters.AuthFailures.Value);
        Assert.Equal(EngineHarness.Start.AddHours(1), (await _acs.DeviceAsync(cpe)).LastInformAt);
        Assert.Equal(0, _acs.Engine.OpenSessions);
    }

    [Fact]
    public async Task Wrong_credentials_are_challenged_again_counted_and_store_nothing()
    {
        var cpe = _acs.NewCpe("SN-WRONG");
        cpe.UseCredentials(EngineHarness.Bootstrap.Username, "not-the-password");

        var reply = await cpe.InformAsync("0 BOOTSTRAP");

        Assert.Equal(401, reply.Status);
        Assert.NotEmpty(reply.Header("WWW-Authenticate"));
        Assert.Equal(1, _acs.Engine.Counters.AuthFailures.Value);
        Assert.Null(await _acs.Store.GetDeviceAsync(cpe.Id, CancellationToken.None));
        Assert.Equal(0, _acs.Engine.Counters.SessionsStarted.Value);
    }

    [Fact]
    public async Task With_enrollment_closed_an_unknown_device_is_not_admitted()
    {
        await using var closed = EngineHarness.Create(authenticate: a => a.Bootstrap = null);
        var cpe = closed.NewCpe("SN-CLOSED");

        var reply = await cpe.InformAsync("0 BOOTSTRAP");

        Assert.Equal(401, reply.Status);
        Assert.Null(await closed.Store.GetDeviceAsync(cpe.Id, CancellationToken.None));
        Assert.Equal(0, closed.Engine.OpenSessions);
    }

    [Fact]
    public async Task A_refused_enrollment_stores_the_device_without_credentials_and_sends_nothing_more()
    {
        var cpe = _acs.NewCpe("SN-REFUSE");
        Assert.Equal(200, (await cpe.InformAsync("0 BOOTSTRAP")).Status);

        var enrollment = await cpe.EmptyPostAsync();
        Assert.IsType<SetParameterValuesRequest>(enrollment.Body);
        var end = await cpe.AnswerAsync(enrollment, new CwmpFault(9001));

        // No connection-request credentials for a device that did not take its own credential.
        Assert.Equal(204, end.Status);
        var device = await _acs.DeviceAsync(cpe);
        Assert.False(device.Credentials.Enrolled);
        Assert.Null(device.ConnectionRequest!.Username);

        // Still unenrolled, so the bootstrap credential still admits it and enrollment is tried again.
        Assert.Equal(200, (await cpe.InformAsync("1 BOOT")).Status);
        Assert.IsType<SetParameterValuesRequest>((await cpe.EmptyPostAsync()).Body);
    }

    [Fact]
    public async Task A_session_must_start_with_an_Inform()
    {
        var cpe = _acs.NewCpe("SN-ORDER");

        var empty = await cpe.EmptyPostAsync();
        var other = await cpe.PostAsync(Palisade.Cwmp.Envelope.CwmpEnvelope.For(Palisade.Cwmp.CwmpVersion.V1_4, "1", new GetRPCMethodsRequest()));
        var get = await cpe.PostAsync(EngineCpe.InformEnvelope(cpe.Inform()), method: "GET");
        var garbage = await _acs.Engine.HandleAsync(
            new CwmpHttpRequest("POST", "/", null, null, "<not-soap/>"u8.ToArray(), new ConnectionFacts(cpe.Address, 1, System.Security.Authentication.SslProtocols.None, null)),
            CancellationToken.None);

        Assert.Equal(400, empty.Status);
        Assert.Equal(400, other.Status);
        Assert.Contains("Inform", other.Text, StringComparison.Ordinal);
        Assert.Equal(405, get.Status);
        Assert.Equal(["POST"], get.Header("Allow"));
        Assert.Equal(400, garbage.StatusCode);
        Assert.Equal(0, _acs.Engine.Counters.SessionsStarted.Value);
    }

    [Fact]
    public async Task The_empty_POST_with_nothing_queued_ends_the_session_with_204_and_commits_the_Inform()
    {
        var cpe = await _acs.EnrolledCpeAsync("SN-EMPTY");
        _acs.Time.Advance(TimeSpan.FromMinutes(10));
        var inform = cpe.Inform("2 PERIODIC");
        inform = inform with { ParameterList = [.. inform.ParameterList.Select(p => p.Name.EndsWith("SoftwareVersion", StringComparison.Ordinal) ? new ParameterValueStruct(p.Name, ParameterValue.String("2.0.0")) : p)] };
        Assert.Equal(200, (await cpe.InformAsync(inform)).Status);

        // Nothing is written while the session is open.
        Assert.Equal("1.0.0", (await _acs.DeviceAsync(cpe)).SoftwareVersion);

        var end = await cpe.EmptyPostAsync();

        Assert.Equal(204, end.Status);
        Assert.True(end.Response.Body.IsEmpty);
        var device = await _acs.DeviceAsync(cpe);
        Assert.Equal("2.0.0", device.SoftwareVersion);
        Assert.Equal("2 PERIODIC", device.LastEvents);
        Assert.Equal(EngineHarness.Start.AddMinutes(10), device.LastInformAt);
        var cached = await _acs.Store.GetParametersAsync(cpe.Id, "Device.DeviceInfo.", CancellationToken.None);
        Assert.Contains(cached, p => p.Path == "Device.DeviceInfo.SoftwareVersion" && p.Value == "2.0.0");
        Assert.Equal(0, _acs.Engine.OpenSessions);
    }

    [Fact]
    public async Task A_session_cookie_presented_from_another_address_is_refused_and_the_session_goes_on()
    {
        var cpe = await _acs.EnrolledCpeAsync("SN-COOKIE", "192.0.2.20");
        await _acs.QueueAsync(cpe, """{"name":"getParameterValues","parameterNames":["Device.DeviceInfo.UpTime"]}""");
        Assert.Equal(200, (await cpe.InformAsync()).Status);
        var stolen = cpe.Cookie;

        var thief = _acs.NewCpe("SN-COOKIE", "203.0.113.9");
        thief.Cookie = stolen;
        var refused = await thief.EmptyPostAsync();

        Assert.Equal(403, refused.Status);
        Assert.Equal(1, _acs.Engine.OpenSessions);
        var requests = await cpe.FinishSessionAsync();
        Assert.IsType<GetParameterValuesRequest>(Assert.Single(requests));
    }
}
