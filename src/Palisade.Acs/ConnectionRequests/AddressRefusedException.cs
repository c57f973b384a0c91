using System.Net;

namespace Palisade.Acs.ConnectionRequests;

/// <summary>Raised inside the connect step when a connection request's target address is refused; nothing was sent.</summary>
internal sealed class AddressRefusedException : IOException
{
    public AddressRefusedException(IPAddress address, AddressVerdict verdict)
        : base($"connection requests may not go to {address} ({verdict})")
    {
        Address = address;
        Verdict = verdict;
    }

    public AddressRefusedException()
    {
        Address = IPAddress.None;
    }

    public AddressRefusedException(string message)
        : base(message)
    {
        Address = IPAddress.None;
    }

    public AddressRefusedException(string message, Exception innerException)
        : base(message, innerException)
    {
        Address = IPAddress.None;
    }

    public IPAddress Address { get; }

    public AddressVerdict Verdict { get; }
}
