using System.Net;
using System.Net.Sockets;
using Palisade.Cpe.Agent;
using Palisade.Cwmp.Stun;

namespace Palisade.Cpe.ConnectionRequests;

// The answers of the STUN servers, failures and the per-device state.
internal sealed partial class StunClient
{
    /// <summary>A STUN answer to one of this socket's requests; false when the datagram is not STUN at all.</summary>
    public bool Handle(ReadOnlySpan<byte> datagram)
    {
        if (!StunMessage.TryParse(datagram, out var message, out _))
        {
            return false;
        }

        if (message!.Type is not (StunMessage.BindingResponse or StunMessage.BindingErrorResponse))
        {
            return true;
        }

        var id = Convert.ToHexString(message.TransactionId);
#pragma warning disable CA2000 // The agent belongs to whoever registered it.
        if (!_pending.TryRemove(id, out var agent) || !_devices.TryGetValue(agent, out var binding))
#pragma warning restore CA2000
        {
            return true;
        }

        var mapped = message.Type == StunMessage.BindingResponse ? message.Mapped() : null;
        StunClientSettings? settings;
        var recovered = 0;
        var reschedule = false;
        lock (binding)
        {
            if (binding.Pending != id || binding.Settings is null)
            {
                return true;
            }

            binding.Pending = null;
            settings = binding.Settings;
            if (mapped is not null)
            {
                recovered = binding.Failures;
                binding.Failures = 0;
                binding.Restarted = false;

                // Answered again after failures: back to the keep-alive period now, not after the backed-off wait.
                var due = binding.Sent + settings.KeepAlive;
                if (recovered > 0 && due < binding.Due)
                {
                    binding.Due = due;
                    reschedule = true;
                }
            }
        }

        if (reschedule)
        {
            Changed(agent);
        }

        if (mapped is null)
        {
            Failed(agent, binding, settings, message.Type == StunMessage.BindingErrorResponse ? "refused: " + ErrorOf(message) : "an answer without a mapped address");
            return true;
        }

        if (recovered > 0)
        {
            StunClientLog.Recovered(_log, agent.Model.Identity.SerialNumber, settings.Server, recovered);
        }

        Interlocked.Increment(ref _mapped);
        Tell(agent, a => a.StunMapped(mapped.ToString(), !mapped.Equals(_local)));
        return true;
    }

    private void Changed(CpeAgent agent)
    {
        _dirty.Enqueue(agent);
        Wake();
    }

    // Tells a device what its client learned; a device disposed meanwhile (its owner shut it down) leaves the client.
    private void Tell(CpeAgent agent, Action<CpeAgent> tell)
    {
        try
        {
            tell(agent);
        }
        catch (ObjectDisposedException)
        {
            if (_devices.TryRemove(agent, out _))
            {
                agent.StunChanged -= _changed;
            }
        }
    }

    // A request that failed: counted, the period backs off, the name is resolved again. Logged as a Warning when a
    // device starts failing, then at Debug until it binds again (a dead server must not flood the log).
    private void Failed(CpeAgent agent, Binding binding, StunClientSettings settings, string reason)
    {
        int failures;
        lock (binding)
        {
            if (!Equals(binding.Settings, settings))
            {
                return;
            }

            failures = ++binding.Failures;
            binding.Server = IPAddress.TryParse(settings.Host, out _) ? binding.Server : null;
        }

        Interlocked.Increment(ref _failures);
        var serial = agent.Model.Identity.SerialNumber;
        var retry = settings.Delay(failures).TotalSeconds;
        if (failures == 1)
        {
            StunClientLog.Failing(_log, serial, settings.Server, reason, retry);
        }
        else
        {
            StunClientLog.StillFailing(_log, serial, settings.Server, reason, failures, retry);
        }
    }

    // The STUN server's address: a literal, or a name resolved now (bounded); null when it has none.
    private async Task<IPEndPoint?> ResolveAsync(StunClientSettings settings)
    {
        if (IPAddress.TryParse(settings.Host, out var literal))
        {
            return new IPEndPoint(literal, settings.Port);
        }

        using var bound = CancellationTokenSource.CreateLinkedTokenSource(_stop);
        bound.CancelAfter(ResolveTimeout);
        try
        {
            var addresses = await Dns.GetHostAddressesAsync(settings.Host, bound.Token).ConfigureAwait(false);
            var address = addresses.FirstOrDefault(a => a.AddressFamily == _local.AddressFamily) ?? addresses.FirstOrDefault();
            return address is null ? null : new IPEndPoint(address, settings.Port);
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException or ArgumentException)
        {
            return null;
        }
    }

    private static string ErrorOf(StunMessage message) =>
        message.Get(StunMessage.ErrorCode) is { Length: >= 4 } error ? ((error[2] & 0x07) * 100 + error[3]).ToString(System.Globalization.CultureInfo.InvariantCulture) : "no error code";

    // One device's client: the settings it runs with (null: off), where its requests go, when it binds next.
    private sealed class Binding
    {
        public StunClientSettings? Settings { get; set; }

        public IPEndPoint? Server { get; set; }

        public DateTimeOffset Due { get; set; }

        public string? Pending { get; set; }

        public DateTimeOffset Sent { get; set; }

        public int Failures { get; set; }

        // Until a request under these settings is answered, requests say BINDING-CHANGE.
        public bool Restarted { get; set; }

        public void Reset()
        {
            Settings = null;
            Server = null;
            Pending = null;
            Failures = 0;
            Restarted = true;
        }
    }
}
