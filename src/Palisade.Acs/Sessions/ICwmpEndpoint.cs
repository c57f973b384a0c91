namespace Palisade.Acs.Sessions;

/// <summary>
/// The ACS side of one CWMP HTTP exchange, independent of the web server that carries it.
/// The host reads and bounds the body, the engine decides everything else (authentication,
/// the session state machine, what to answer), so the engine is testable without Kestrel.
/// </summary>
public interface ICwmpEndpoint
{
    /// <summary>Handles one HTTP POST (or other method) to the CWMP endpoint and returns what to answer.</summary>
    ValueTask<CwmpHttpResponse> HandleAsync(CwmpHttpRequest request, CancellationToken cancellationToken);

    /// <summary>
    /// The host refused a request of an open session before the engine saw it (a body over the limit): that session
    /// ends now, what it learned is kept, and the device may start a new one at once instead of getting 503 until the
    /// session timeout. False (and nothing happens) unless <paramref name="sessionCookie"/> names an open session of
    /// <paramref name="remoteAddress"/>.
    /// </summary>
    ValueTask<bool> EndRefusedAsync(string sessionCookie, System.Net.IPAddress remoteAddress, CancellationToken cancellationToken);
}
