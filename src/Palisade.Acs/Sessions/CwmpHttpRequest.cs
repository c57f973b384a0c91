namespace Palisade.Acs.Sessions;

/// <summary>
/// One request to the CWMP endpoint as the host received it. <see cref="Body"/> is already
/// de-chunked and decompressed, and no larger than the configured CWMP body limit.
/// </summary>
/// <param name="Method">The HTTP method, e.g. <c>POST</c>.</param>
/// <param name="Path">The request path, e.g. <c>/</c>; used in Digest verification (the <c>uri</c> field).</param>
/// <param name="SessionCookie">The value of the session cookie the client sent, if any.</param>
/// <param name="Authorization">The raw <c>Authorization</c> header, if any. Never log it.</param>
/// <param name="Body">The request body; empty for the empty POST. Valid only until the endpoint's <c>HandleAsync</c>
/// completes: the host reads bodies into pooled buffers and reuses them, so nothing may keep a reference to it.</param>
/// <param name="Connection">What the host knows about the transport.</param>
public sealed record CwmpHttpRequest(
    string Method,
    string Path,
    string? SessionCookie,
    string? Authorization,
    ReadOnlyMemory<byte> Body,
    ConnectionFacts Connection);
