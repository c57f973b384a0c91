namespace Palisade.Acs.Sessions;

/// <summary>
/// What the host must answer. A 200 carries a SOAP envelope in <see cref="Body"/>; a 204 ends the
/// session; 401 carries <c>WWW-Authenticate</c> challenges in <see cref="Headers"/>; 503 carries
/// <see cref="RetryAfter"/>.
/// </summary>
/// <param name="StatusCode">The HTTP status code.</param>
/// <param name="Body">The body bytes (UTF-8 SOAP for 200); empty for none.</param>
/// <param name="Headers">Extra headers, e.g. several <c>WWW-Authenticate</c> entries.</param>
/// <param name="SetSessionCookie">A session cookie value to set, if the engine started a session.</param>
/// <param name="RetryAfter">For 503: how long the client should wait.</param>
public sealed record CwmpHttpResponse(
    int StatusCode,
    ReadOnlyMemory<byte> Body,
    IReadOnlyList<KeyValuePair<string, string>> Headers,
    string? SetSessionCookie = null,
    TimeSpan? RetryAfter = null)
{
    /// <summary>The content type of a SOAP body, per TR-069 A.3.1.</summary>
    public const string SoapContentType = "text/xml; charset=\"utf-8\"";

    /// <summary>The 204 No Content that ends a session.</summary>
    public static CwmpHttpResponse EndOfSession { get; } = new(204, ReadOnlyMemory<byte>.Empty, []);
}
