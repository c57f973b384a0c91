using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace Palisade.Cpe.Tests;

/// <summary>
/// A TCP relay on 127.0.0.1 that reads each connection's TLS ClientHello on its way through and records whether it
/// offers to resume a session (the pre_shared_key extension, RFC 8446 §4.2.11): a full handshake offers none.
/// </summary>
internal sealed class HelloProxy : IAsyncDisposable
{
    private const int PreSharedKey = 41;
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly int _target;
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentQueue<bool> _hellos = new();
    private readonly Task _accepting;

    public HelloProxy(int targetPort)
    {
        _target = targetPort;
        _listener.Start();
        _accepting = AcceptAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>For each connection in order: did its ClientHello offer a session to resume.</summary>
    public IReadOnlyList<bool> ResumptionOffered => [.. _hellos];

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Dispose();
        try
        {
            await _accepting;
        }
        catch (OperationCanceledException)
        {
        }
        catch (SocketException)
        {
        }

        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            var client = await _listener.AcceptTcpClientAsync(_stop.Token);
            _ = RelayAsync(client);
        }
    }

    private async Task RelayAsync(TcpClient client)
    {
        using (client)
        using (var server = new TcpClient())
        {
            try
            {
                await server.ConnectAsync(IPAddress.Loopback, _target, _stop.Token);
                var fromClient = client.GetStream();
                var toServer = server.GetStream();
                var header = new byte[5];
                await fromClient.ReadExactlyAsync(header, _stop.Token);
                var record = new byte[5 + ((header[3] << 8) | header[4])];
                header.CopyTo(record, 0);
                await fromClient.ReadExactlyAsync(record.AsMemory(5), _stop.Token);
                _hellos.Enqueue(OffersResumption(record));
                await toServer.WriteAsync(record, _stop.Token);
                await Task.WhenAny(fromClient.CopyToAsync(toServer, _stop.Token), toServer.CopyToAsync(fromClient, _stop.Token));
            }
            catch (Exception e) when (e is IOException or SocketException or OperationCanceledException)
            {
                // A side closed: the relay ends.
            }
        }
    }

    // Record header (5), handshake header (4), legacy version (2), random (32), then the variable parts up to the extensions.
    private static bool OffersResumption(byte[] r)
    {
        var p = 5 + 4 + 2 + 32;
        p += 1 + r[p];
        p += 2 + ((r[p] << 8) | r[p + 1]);
        p += 1 + r[p];
        var end = Math.Min(r.Length, p + 2 + ((r[p] << 8) | r[p + 1]));
        for (p += 2; p + 4 <= end; p += 4 + ((r[p + 2] << 8) | r[p + 3]))
        {
            if (((r[p] << 8) | r[p + 1]) == PreSharedKey)
            {
                return true;
            }
        }

        return false;
    }
}
