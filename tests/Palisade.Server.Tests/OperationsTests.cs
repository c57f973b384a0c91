using System.Net;
using Palisade.Acs.Access;
using Palisade.Testing;

namespace Palisade.Server.Tests;

/// <summary>/healthz, /readyz and /metrics on the API listener (never on the CWMP port), and the drain on SIGTERM.</summary>
public sealed class OperationsTests : IAsyncLifetime
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(20);
    private TestServer _server = null!;

    public async Task InitializeAsync() => _server = await TestServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Health_needs_no_key_and_metrics_need_the_read_metrics_permission()
    {
        using var api = new ApiClient(_server);
        Assert.Equal(HttpStatusCode.OK, (await api.SendAsync(HttpMethod.Get, "/healthz", null)).Status);
        var ready = await api.SendAsync(HttpMethod.Get, "/readyz", null);
        Assert.Equal(HttpStatusCode.OK, ready.Status);
        Assert.Contains("ready", ready.Text, StringComparison.Ordinal);

        Assert.Equal(HttpStatusCode.Unauthorized, (await api.SendAsync(HttpMethod.Get, "/metrics", null)).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await api.SendAsync(HttpMethod.Get, "/metrics", await api.KeyAsync(Roles.Viewer))).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await api.SendAsync(HttpMethod.Get, "api/v1/devices", await api.KeyAsync(Roles.Monitor, name: "scraper"))).Status);
    }

    [Fact]
    public async Task Metrics_export_sessions_rpcs_and_the_node_in_prometheus_text()
    {
        using (var cpe = TestCpe.Bootstrap(_server, "SN-METRICS"))
        {
            await cpe.RunSessionAsync(null, "0 BOOTSTRAP", "1 BOOT").WaitAsync(Deadline);
        }

        using var api = new ApiClient(_server);
        var key = await api.KeyAsync(Roles.Monitor);
        var metrics = await api.SendAsync(HttpMethod.Get, "/metrics", key);

        Assert.Equal(HttpStatusCode.OK, metrics.Status);
        Assert.Contains("palisade_sessions_total{", metrics.Text, StringComparison.Ordinal);
        Assert.Contains("outcome=\"ok\"", metrics.Text, StringComparison.Ordinal);
        Assert.Contains("palisade_session_duration_seconds_bucket{", metrics.Text, StringComparison.Ordinal);
        Assert.Contains("palisade_rpcs_total{", metrics.Text, StringComparison.Ordinal);
        Assert.Contains("palisade_sessions_open", metrics.Text, StringComparison.Ordinal);
        Assert.Contains("palisade_connection_requests_total{", metrics.Text, StringComparison.Ordinal);
        Assert.Contains("palisade_store_operation_duration_seconds_bucket{", metrics.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_cwmp_port_serves_neither_metrics_nor_health()
    {
        using var http = new HttpClient(new SocketsHttpHandler { SslOptions = Security.Pki.Certificates.ServerAuthentication(_server.Host.Facts.ClientCertificateAnchors, false) });
        foreach (var path in new[] { "metrics", "healthz", "readyz" })
        {
            using var response = await http.GetAsync(new Uri(_server.Url, path)).WaitAsync(Deadline);
            Assert.NotEqual(HttpStatusCode.OK, response.StatusCode);
            Assert.DoesNotContain("palisade_", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_draining_node_refuses_new_sessions_lets_open_ones_finish_and_says_it_is_not_ready()
    {
        using var open = TestCpe.Bootstrap(_server, "SN-DRAIN-1");
        Assert.Equal(200, (await open.SendInformAsync(Cwmp.CwmpVersion.V1_4, "0 BOOTSTRAP", "1 BOOT")).StatusCode);

        // A drain bound far beyond the test: the drain can only end because the open session did.
        var drained = _server.Host.DrainAsync(TimeSpan.FromMinutes(10), CancellationToken.None);
        using var late = TestCpe.Bootstrap(_server, "SN-DRAIN-2");
        var refused = await late.SendInformAsync(Cwmp.CwmpVersion.V1_4, "0 BOOTSTRAP");
        Assert.Equal(503, refused.StatusCode);
        Assert.NotNull(refused.RetryAfter);
        using var api = new ApiClient(_server);
        var ready = await api.SendAsync(HttpMethod.Get, "/readyz", null);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.Status);
        Assert.Contains("draining", ready.Text, StringComparison.Ordinal);

        // The session in flight goes on to its end; the drain then returns at once, well before its bound.
        var reply = await open.EmptyPostAsync();
        while (!reply.EndsSession)
        {
            reply = await open.AnswerAsync(reply, open.Handle(reply.Envelope!.Body!, null));
        }

        Assert.Equal(204, reply.StatusCode);
        Assert.Equal(0, await drained.WaitAsync(TimeSpan.FromSeconds(60)));
    }

    [Fact]
    public async Task At_the_drain_bound_sessions_still_open_are_ended_and_what_they_learned_is_committed()
    {
        using var silent = TestCpe.Bootstrap(_server, "SN-DRAIN-3");
        Assert.Equal(200, (await silent.SendInformAsync(Cwmp.CwmpVersion.V1_4, "0 BOOTSTRAP", "1 BOOT")).StatusCode);

        var ended = await _server.Host.DrainAsync(TimeSpan.FromMilliseconds(300), CancellationToken.None).WaitAsync(Deadline);

        Assert.Equal(1, ended);
        Assert.Equal(0, _server.Host.Engine.OpenSessions);
        Assert.NotNull(await _server.Host.Store.GetDeviceAsync(new Acs.Devices.DeviceId("00D09E", "HGW", "SN-DRAIN-3"), CancellationToken.None));
    }
}
