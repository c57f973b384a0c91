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
}
