using System.Net;
using Palisade.Acs.Posture;
using Palisade.Acs.Storage;
using Palisade.Cwmp.Events;
using Palisade.Testing;
using static Palisade.Cpe.Tests.AgentFixture;

namespace Palisade.Cpe.Tests;

/// <summary>
/// The posture's remedy for plaintext devices, end to end: a legacy agent on the plaintext port is moved to https
/// only after its probe upload reached the ACS over TLS; an agent that cannot reach it keeps its URL.
/// </summary>
public sealed class MoveToHttpsTests : IAsyncLifetime
{
    private TestServer _server = null!;

    private Uri Legacy => _server.Host.Facts.LegacyHttpUrl!;

    public async Task InitializeAsync() => _server = await TestServer.StartAsync(o => o.LegacyHttpPort = 0);

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task A_plaintext_device_that_reaches_the_https_acs_is_moved_there_and_leaves_the_posture_item()
    {
        await using var agent = NewAgent(_server, "MV0001", o => o.AllowPlaintext = true, Legacy);
        await SessionOkAsync(agent);
        var legacy = await DeviceAsync(_server, agent);
        Assert.Equal("http", legacy.Transport);
        Assert.False(legacy.BootstrapExpected);
        Assert.Equal(1, await PlaintextDevicesAsync());

        var task = await QueueAsync(_server, agent, $$"""{"name":"moveToHttps","url":"{{_server.Url}}"}""");
        await SessionOkAsync(agent);
        Assert.Contains("checking-reachability", (await TaskAsync(_server, task)).Result, StringComparison.Ordinal);
        Assert.Equal(Legacy.ToString(), agent.State.AcsUrl);

        await TransferDoneAsync(agent, "the probe upload");
        await SessionOkAsync(agent);
        var done = await TaskAsync(_server, task);
        Assert.Equal(DeviceTaskStatus.Done, done.Status);
        Assert.Contains("\"moved\"", done.Result, StringComparison.Ordinal);
        Assert.Equal(_server.Url.ToString(), agent.State.AcsUrl);
        Assert.Contains(agent.PendingEvents, e => e.EventCode == EventCodes.Bootstrap);

        // The next session goes to the https listener with the device's own credentials.
        await SessionOkAsync(agent);
        var device = await DeviceAsync(_server, agent);
        Assert.Equal("https", device.Transport);
        Assert.Equal(_server.Url.ToString(), device.AcsUrl);
        Assert.NotNull(device.AcsUrlSetAt);
        Assert.True(device.BootstrapExpected, "the BOOTSTRAP that follows this ACS's own URL change is expected");
        Assert.Equal(0, await PlaintextDevicesAsync());
    }

    [Fact]
    public async Task A_device_that_does_not_trust_the_acs_certificate_keeps_its_url_and_the_task_says_why()
    {
        await using var agent = NewAgent(_server, "MV0002", o =>
        {
            o.AllowPlaintext = true;
            o.TrustedCas.Clear();
        }, Legacy);
        await SessionOkAsync(agent);
        var task = await QueueAsync(_server, agent, $$"""{"name":"moveToHttps","url":"{{_server.Url}}"}""");
        await SessionOkAsync(agent);
        await TransferDoneAsync(agent, "the failed probe upload");
        await SessionOkAsync(agent);

        var faulted = await TaskAsync(_server, task);
        Assert.Equal(DeviceTaskStatus.Faulted, faulted.Status);
        Assert.Equal(9011, faulted.Fault!.Code);
        Assert.Contains("could not reach", faulted.Fault.Message, StringComparison.Ordinal);
        Assert.Contains("left unchanged", faulted.Fault.Message, StringComparison.Ordinal);
        Assert.Equal(Legacy.ToString(), agent.State.AcsUrl);
        await SessionOkAsync(agent);
        Assert.Equal("http", (await DeviceAsync(_server, agent)).Transport);
    }

    [Fact]
    public async Task The_probe_address_takes_only_a_valid_token_over_https()
    {
        var handler = new SocketsHttpHandler { SslOptions = Palisade.Security.Pki.Certificates.ServerAuthentication(_server.Host.Facts.ClientCertificateAnchors, false) };
        using var http = new HttpClient(handler);
        var token = _server.Host.Engine.Reachability.TokenFor(42);

        // Over plaintext, even a valid token proves nothing about https.
        using var plain = await http.PutAsync(new Uri(Legacy, "/palisade/reachability/" + token), new StringContent("log"));
        Assert.Equal(HttpStatusCode.NotFound, plain.StatusCode);

        using var forged = await http.PutAsync(new Uri(_server.Url, "/palisade/reachability/42-" + new string('0', 32)), new StringContent("log"));
        Assert.Equal(HttpStatusCode.NotFound, forged.StatusCode);
        Assert.False(_server.Host.Engine.Reachability.TakeArrival(42));

        // Traversal and NUL tricks: an encoded slash is not a token; Kestrel refuses a NUL in the path outright; dot
        // segments resolve out of the probe prefix onto the CWMP endpoint, which takes only POST. No file is ever read.
        foreach (var (hostile, expected) in new[] { ("..%2F..%2Fetc%2Fpasswd", HttpStatusCode.NotFound), (token + "%00", HttpStatusCode.BadRequest), ("%2E%2E/%2E%2E/pki/ca.key", HttpStatusCode.MethodNotAllowed) })
        {
            using var traversal = await http.PutAsync(new Uri(_server.Url, "/palisade/reachability/" + hostile), new StringContent("log"));
            Assert.Equal(expected, traversal.StatusCode);
        }

        Assert.False(_server.Host.Engine.Reachability.TakeArrival(42));

        using var get = await http.GetAsync(new Uri(_server.Url, "/palisade/reachability/" + token));
        Assert.Equal(HttpStatusCode.MethodNotAllowed, get.StatusCode);

        using var tooBig = await http.PutAsync(new Uri(_server.Url, "/palisade/reachability/" + token), new ByteArrayContent(new byte[(1024 * 1024) + 1]));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, tooBig.StatusCode);
        Assert.False(_server.Host.Engine.Reachability.TakeArrival(42));

        using var ok = await http.PutAsync(new Uri(_server.Url, "/palisade/reachability/" + token), new StringContent("log"));
        Assert.Equal(HttpStatusCode.NoContent, ok.StatusCode);
        Assert.True(_server.Host.Engine.Reachability.TakeArrival(42));
        Assert.False(_server.Host.Engine.Reachability.TakeArrival(42));
    }

    private async Task<long> PlaintextDevicesAsync() =>
        (await FleetPosture.ComputeAsync(_server.Host.Store, ["127.0.0.1"], null, DateTimeOffset.UtcNow, CancellationToken.None)).Single(i => i.Id == "plaintext-cwmp").Devices;
}
