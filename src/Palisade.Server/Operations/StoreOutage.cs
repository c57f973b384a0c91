using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Palisade.Acs.Storage;

namespace Palisade.Server.Operations;

/// <summary>
/// The one answer every endpoint (CWMP, the API, the file server) gives when the store cannot be reached
/// (<see cref="StoreErrorReason.Unavailable"/>: a restart, a failover): 503 with Retry-After, logged (event 180). The
/// client is told to come back, not that the server broke; each endpoint writes the body in its own format.
/// </summary>
internal static class StoreOutage
{
    /// <summary>How long a client is asked to wait, in seconds.</summary>
    public const int RetryAfterSeconds = 10;

    /// <summary>True for the store's "cannot be reached" (what <see cref="Begin"/> answers).</summary>
    public static bool Is(StoreException e) => e is { Reason: StoreErrorReason.Unavailable };

    /// <summary>
    /// Logs the outage and, unless the response has started, sets 503 with Retry-After (the endpoint clears first what
    /// it had set and must not send, if anything); true when the endpoint may write its body, false when the response
    /// was already under way (the connection just ends).
    /// </summary>
    public static bool Begin(HttpResponse response, ILogger logger, StoreException e)
    {
        ArgumentNullException.ThrowIfNull(response);
        ArgumentNullException.ThrowIfNull(e);
        OperationsLog.StoreUnavailable(logger, e.Message);
        if (response.HasStarted)
        {
            return false;
        }

        response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        response.Headers.RetryAfter = RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        response.Headers.CacheControl = "no-store";
        return true;
    }
}
