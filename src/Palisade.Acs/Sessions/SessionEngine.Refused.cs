using System.Net;

namespace Palisade.Acs.Sessions;

public sealed partial class SessionEngine
{
    /// <inheritdoc />
    public async ValueTask<bool> EndRefusedAsync(string sessionCookie, IPAddress remoteAddress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(sessionCookie);
        ArgumentNullException.ThrowIfNull(remoteAddress);

        // Only the client that holds the session may end it, as for every other request of the session.
        var session = _sessions.TryResume(sessionCookie);
        if (session is null || session.RemoteAddress != remoteAddress.ToString())
        {
            return false;
        }

        await session.Gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await EndAsync(session, SessionOutcome.Malformed, cancellationToken).ConfigureAwait(false);
            return true;
        }
        finally
        {
            session.Gate.Release();
        }
    }
}
