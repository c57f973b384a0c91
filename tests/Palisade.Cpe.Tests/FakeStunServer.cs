using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Palisade.Cwmp.Stun;

namespace Palisade.Cpe.Tests;

/// <summary>
/// A STUN server on 127.0.0.1 that records every Binding request (user name, BINDING-CHANGE, whether its integrity
/// verifies, the time on the test's clock) and answers with <see cref="MappedTo"/> while <see cref="Answering"/> is on.
/// </summary>
internal sealed class FakeStunServer : IDisposable
{
    private readonly UdpClient _socket = new(new IPEndPoint(IPAddress.Loopback, 0));
    private readonly CancellationTokenSource _stop = new();
    private readonly TimeProvider _time;
    private readonly Func<string, string?> _passwords;
    private readonly Task _loop;

    /// <param name="time">The clock each request is stamped with.</param>
    /// <param name="passwords">The MESSAGE-INTEGRITY key of a user name (null: unknown).</param>
    public FakeStunServer(TimeProvider time, Func<string, string?> passwords)
    {
        _time = time;
        _passwords = passwords;
        EndPoint = (IPEndPoint)_socket.Client.LocalEndPoint!;
        _loop = Task.Run(LoopAsync);
    }

    public IPEndPoint EndPoint { get; }

    public ConcurrentQueue<Request> Requests { get; } = new();

    public volatile bool Answering = true;

    /// <summary>The address the answers say the request came from (a NAT's mapping); null: the real source.</summary>
    public IPEndPoint? MappedTo { get; set; }

    public IReadOnlyList<Request> From(string user) => [.. Requests.Where(r => r.User == user)];

    public void Dispose()
    {
        _stop.Cancel();
        _socket.Dispose();
        try
        {
            _loop.Wait(TimeSpan.FromSeconds(5));
        }
        catch (AggregateException)
        {
        }

        _stop.Dispose();
    }

    private async Task LoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            UdpReceiveResult datagram;
            try
            {
                datagram = await _socket.ReceiveAsync(_stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                if (_stop.IsCancellationRequested)
                {
                    return;
                }

                continue;
            }

            if (!StunMessage.TryParse(datagram.Buffer, out var request, out var integrity) || request!.Type != StunMessage.BindingRequest)
            {
                continue;
            }

            var user = request.UserName ?? string.Empty;
            var verified = integrity > 0 && _passwords(user) is { } key && StunMessage.VerifyIntegrity(datagram.Buffer, integrity, key);
            Requests.Enqueue(new Request(user, request.Has(StunMessage.BindingChange), verified, _time.GetUtcNow()));
            if (Answering)
            {
                var answer = new StunMessage(StunMessage.BindingResponse, request.TransactionId).AddMapped(MappedTo ?? datagram.RemoteEndPoint, legacy: false);
                await _socket.SendAsync(answer.ToBytes(), datagram.RemoteEndPoint);
            }
        }
    }

    internal sealed record Request(string User, bool BindingChange, bool Verified, DateTimeOffset At);
}
