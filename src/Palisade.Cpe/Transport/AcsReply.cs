using Palisade.Cwmp.Envelope;

namespace Palisade.Cpe.Transport;

/// <summary>What the ACS answered to one POST.</summary>
/// <param name="StatusCode">The HTTP status.</param>
/// <param name="Envelope">The CWMP message in a 200 answer; null for 204 and errors.</param>
/// <param name="RetryAfter">The Retry-After of a 503, if any.</param>
/// <param name="Text">The body of a non-SOAP answer (an error's explanation), bounded.</param>
public sealed record AcsReply(int StatusCode, CwmpEnvelope? Envelope, TimeSpan? RetryAfter, string? Text)
{
    /// <summary>True for the 204 (or empty 200) that ends a session.</summary>
    public bool EndsSession => StatusCode == 204 || (StatusCode == 200 && Envelope is null);
}
