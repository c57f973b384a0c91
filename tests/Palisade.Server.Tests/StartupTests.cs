using System.Net;
using System.Net.Sockets;
using Palisade.Testing;

namespace Palisade.Server.Tests;

/// <summary>A start that fails part-way (a port held by another process) leaves nothing behind.</summary>
public sealed class StartupTests : IDisposable
{
    private readonly string _data = Directory.CreateTempSubdirectory("palisade-startup-").FullName;

    public void Dispose()
    {
        try
        {
            Directory.Delete(_data, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    [Fact]
    public async Task A_taken_api_port_stops_the_cwmp_listener_again_and_the_next_start_shows_the_admin_password()
    {
        using var holder = new TcpListener(IPAddress.Loopback, 0);
        holder.Start();
        var taken = ((IPEndPoint)holder.LocalEndpoint).Port;
        var cwmpPort = FreePort();

        var error = await Assert.ThrowsAsync<IOException>(() => PalisadeHost.StartAsync(Options(cwmpPort, taken), TestServer.OpenStore));
        Assert.Contains(taken.ToString(System.Globalization.CultureInfo.InvariantCulture), error.Message, StringComparison.Ordinal);

        // The CWMP listener had started before the API failed to bind; it is closed again.
        using (var probe = new TcpListener(IPAddress.Loopback, cwmpPort))
        {
            probe.Start();
        }

        // The failed start created no admin: the one-time password is shown by the start that succeeds.
        holder.Stop();
        await using var host = await PalisadeHost.StartAsync(Options(cwmpPort, taken), TestServer.OpenStore);
        Assert.False(string.IsNullOrEmpty(host.Facts.AdminPassword));
    }

    [Fact]
    public async Task Cwmp_on_every_interface_leaves_the_api_on_loopback()
    {
        var options = Options(0, 0);
        options.Listen.Clear();
        options.Listen.Add(IPAddress.Any);
        await using var host = await PalisadeHost.StartAsync(options, TestServer.OpenStore);

        Assert.StartsWith("https://0.0.0.0:", host.Facts.CwmpUrls[0], StringComparison.Ordinal);
        Assert.StartsWith("https://127.0.0.1:", host.Facts.ApiUrl, StringComparison.Ordinal);
    }

    private ServerOptions Options(int cwmpPort, int apiPort)
    {
        var options = new ServerOptions { DataDirectory = _data, CwmpPort = cwmpPort };
        options.Api.Port = apiPort;
        return options;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
