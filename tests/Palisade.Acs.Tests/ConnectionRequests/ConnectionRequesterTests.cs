using System.Net;
using System.Net.Sockets;
using Palisade.Acs.ConnectionRequests;
using Palisade.Acs.Devices;

namespace Palisade.Acs.Tests.ConnectionRequests;

/// <summary>
/// The requester against real sockets on 127.0.0.1: with the defaults nothing on this machine is ever contacted, and
/// what is reported is a fixed category, never what the target said.
/// </summary>
public sealed class ConnectionRequesterTests
{
    private static readonly DeviceId Id = new("00D09E", "TEST", "CR0001");

    [Theory]
    [InlineData("http://127.0.0.1:{0}/cr")]
    [InlineData("http://localhost:{0}/cr")]
    [InlineData("http://[::ffff:127.0.0.1]:{0}/cr")]
    [InlineData("https://127.0.0.1:{0}/cr")]
    public async Task A_loopback_url_is_refused_without_a_connection(string template)
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        using var requester = new ConnectionRequester(new ConnectionRequestOptions());

        var outcome = await requester.RequestAsync(Device(string.Format(System.Globalization.CultureInfo.InvariantCulture, template, port)), CancellationToken.None);

        Assert.Equal((ConnectionRequestResult.Unreachable, ConnectionRequestReason.RefusedAddress), (outcome.Result, outcome.Reason));
        Assert.False(listener.Pending());
        Assert.Equal(1, requester.RefusedAddresses);
    }

    [Fact]
    public async Task A_metadata_url_is_refused_even_when_every_network_is_allowed()
    {
        var options = new ConnectionRequestOptions();
        options.AllowedNetworks.Add("0.0.0.0/0");
        using var requester = new ConnectionRequester(options);
        var outcome = await requester.RequestAsync(Device("http://169.254.169.254/latest/meta-data/iam/security-credentials/"), CancellationToken.None);
        Assert.Equal(ConnectionRequestReason.RefusedAddress, outcome.Reason);
    }

    [Fact]
    public async Task A_udp_address_on_loopback_gets_no_datagram()
    {
        using var udp = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        var target = (IPEndPoint)udp.Client.LocalEndPoint!;
        using var requester = new ConnectionRequester(new ConnectionRequestOptions());
        var device = new Device { Id = Id, RegisteredAt = DateTimeOffset.UnixEpoch, ConnectionRequest = new ConnectionRequestEndpoint(string.Empty, "cr", "secret", target.ToString()) };

        var outcome = await requester.RequestAsync(device, CancellationToken.None);

        Assert.Equal(ConnectionRequestReason.RefusedAddress, outcome.Reason);
        Assert.Equal(0, udp.Available);
    }

    [Fact]
    public async Task What_the_target_answers_is_reported_only_as_a_category()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var options = new ConnectionRequestOptions();
        options.AllowedNetworks.Add("127.0.0.0/8");
        using var requester = new ConnectionRequester(options);

        var answer = AnswerOnceAsync(listener, "HTTP/1.1 500 Internal Server Error\r\nContent-Length: 19\r\nX-Secret: s3cr3t\r\nConnection: close\r\n\r\nroot:x:0:0:/root:sh");
        var outcome = await requester.RequestAsync(Device($"http://127.0.0.1:{port}/cr"), CancellationToken.None);
        await answer;

        Assert.Equal((ConnectionRequestResult.Unreachable, ConnectionRequestReason.Rejected), (outcome.Result, outcome.Reason));
        Assert.Equal([new ConnectionRequestAttempt(ConnectionRequestChannel.Http, ConnectionRequestReason.Rejected)], outcome.Attempts);
    }

    [Fact]
    public async Task A_redirect_is_not_followed()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var options = new ConnectionRequestOptions();
        options.AllowedNetworks.Add("127.0.0.1/32");
        using var requester = new ConnectionRequester(options);

        var answer = AnswerOnceAsync(listener, $"HTTP/1.1 302 Found\r\nLocation: http://127.0.0.1:{port}/again\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
        var outcome = await requester.RequestAsync(Device($"http://127.0.0.1:{port}/cr"), CancellationToken.None);
        await answer;

        Assert.Equal(ConnectionRequestReason.Rejected, outcome.Reason);
        Assert.False(listener.Pending());
    }

    [Fact]
    public async Task A_device_gets_only_its_burst_of_requests()
    {
        var options = new ConnectionRequestOptions { PerDeviceBurst = 2 };
        using var requester = new ConnectionRequester(options);
        var device = Device("http://127.0.0.1:9/cr");
        Assert.Equal(ConnectionRequestReason.RefusedAddress, (await requester.RequestAsync(device, CancellationToken.None)).Reason);
        Assert.Equal(ConnectionRequestReason.RefusedAddress, (await requester.RequestAsync(device, CancellationToken.None)).Reason);
        Assert.Equal(ConnectionRequestReason.RateLimited, (await requester.RequestAsync(device, CancellationToken.None)).Reason);
    }

    [Fact]
    public async Task A_device_gets_four_requests_at_once_then_one_every_15_seconds()
    {
        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(DateTimeOffset.UtcNow);
        using var requester = new ConnectionRequester(new ConnectionRequestOptions(), time: clock);
        var device = Device("http://127.0.0.1:9/cr");
        for (var i = 0; i < 4; i++)
        {
            Assert.Equal(ConnectionRequestReason.RefusedAddress, (await requester.RequestAsync(device, CancellationToken.None)).Reason);
        }

        Assert.Equal(ConnectionRequestReason.RateLimited, (await requester.RequestAsync(device, CancellationToken.None)).Reason);
        clock.Advance(TimeSpan.FromSeconds(14));
        Assert.Equal(ConnectionRequestReason.RateLimited, (await requester.RequestAsync(device, CancellationToken.None)).Reason);
        clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(ConnectionRequestReason.RefusedAddress, (await requester.RequestAsync(device, CancellationToken.None)).Reason);
        Assert.Equal(ConnectionRequestReason.RateLimited, (await requester.RequestAsync(device, CancellationToken.None)).Reason);

        // Another device has a bucket of its own.
        var other = device with { Id = new DeviceId("00D09E", "TEST", "CR0002") };
        Assert.Equal(ConnectionRequestReason.RefusedAddress, (await requester.RequestAsync(other, CancellationToken.None)).Reason);
        Assert.Equal(3, requester.RateLimited);
    }

    [Fact]
    public async Task When_http_cannot_connect_and_udp_goes_out_the_http_failure_stays_in_the_outcome()
    {
        using var closed = new TcpListener(IPAddress.Loopback, 0);
        closed.Start();
        var closedPort = ((IPEndPoint)closed.LocalEndpoint).Port;
        closed.Stop();
        using var udp = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        var target = (IPEndPoint)udp.Client.LocalEndPoint!;
        var options = new ConnectionRequestOptions();
        options.AllowedNetworks.Add("127.0.0.0/8");
        using var requester = new ConnectionRequester(options);
        var device = new Device { Id = Id, RegisteredAt = DateTimeOffset.UnixEpoch, ConnectionRequest = new ConnectionRequestEndpoint($"http://127.0.0.1:{closedPort}/cr", "cr", "secret", target.ToString()) };

        var outcome = await requester.RequestAsync(device, CancellationToken.None);

        Assert.Equal((ConnectionRequestResult.SentUdp, ConnectionRequestReason.UdpSent), (outcome.Result, outcome.Reason));
        Assert.Equal(
            [new ConnectionRequestAttempt(ConnectionRequestChannel.Http, ConnectionRequestReason.ConnectFailed), new ConnectionRequestAttempt(ConnectionRequestChannel.Udp, ConnectionRequestReason.UdpSent)],
            outcome.Attempts);
        using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var datagram = await udp.ReceiveAsync(wait.Token);
        Assert.StartsWith("GET ", System.Text.Encoding.ASCII.GetString(datagram.Buffer), StringComparison.Ordinal);
    }

    private static Device Device(string url) => new() { Id = Id, RegisteredAt = DateTimeOffset.UnixEpoch, ConnectionRequest = new ConnectionRequestEndpoint(url, "cr", "secret", null) };

    private static async Task AnswerOnceAsync(TcpListener listener, string response)
    {
        using var client = await listener.AcceptTcpClientAsync();
        var stream = client.GetStream();
        var buffer = new byte[4096];
        var read = 0;
        while (!System.Text.Encoding.ASCII.GetString(buffer, 0, read).Contains("\r\n\r\n", StringComparison.Ordinal))
        {
            read += await stream.ReadAsync(buffer.AsMemory(read));
        }

        await stream.WriteAsync(System.Text.Encoding.ASCII.GetBytes(response));
    }
}
