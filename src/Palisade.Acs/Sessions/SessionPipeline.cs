using Palisade.Acs.Storage;
using Palisade.Cwmp.Messages;

namespace Palisade.Acs.Sessions;

/// <summary>
/// Runs the engine's steps, in order, through the hooks of one session. Shared by every session: it holds only what
/// does not change (the steps, the store, the counters, the clock), so a session costs it nothing but a reference.
/// </summary>
internal sealed class SessionPipeline(ISessionStep[] steps, ISessionStore store, SessionCounters counters, TimeProvider time)
{
    public IReadOnlyList<ISessionStep> Steps => steps;

    public ISessionStore Store => store;

    public SessionCounters Counters => counters;

    public TimeProvider Time => time;

    public async ValueTask OpenAsync(CwmpSession session, CancellationToken cancellationToken)
    {
        foreach (var step in steps)
        {
            await step.OpenAsync(session, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Offers a CPE request to each step until one has dealt with it.</summary>
    public async ValueTask CpeRequestAsync(CwmpSession session, CwmpMessage request, CancellationToken cancellationToken)
    {
        foreach (var step in steps)
        {
            if (await step.CpeRequestAsync(session, request, cancellationToken).ConfigureAwait(false))
            {
                return;
            }
        }
    }

    /// <summary>Asks each step in turn for another round, until one queues something; false when none did.</summary>
    public async ValueTask<bool> DrainedAsync(CwmpSession session, CancellationToken cancellationToken)
    {
        foreach (var step in steps)
        {
            await step.DrainedAsync(session, cancellationToken).ConfigureAwait(false);
            if (session.QueuedCount > 0)
            {
                return true;
            }
        }

        return false;
    }
}
