using Palisade.Acs.Sessions;
using Palisade.Acs.Storage;
using Palisade.Acs.Tasks;
using Palisade.Cwmp.Messages;

namespace Palisade.Acs.Campaigns;

/// <summary>
/// Judges a campaign's device in its sessions. The download itself is an ordinary stored-file download task (queued by
/// the <see cref="CampaignScheduler"/>, run by the operator-task and file steps, closed by the TransferComplete); this
/// step looks, once the CPE's requests were answered, at how that task ended and at the SoftwareVersion the device now
/// informs: a fault fails it (<c>bad-signature</c> for 9018, else <c>download-fault-CODE</c>), a completed transfer
/// with the file's version succeeds, with another version fails (<c>wrong-version</c>). A device that never comes back
/// is failed by the scheduler (<c>no-return</c>, <c>timeout</c>). Sessions skip the lookup while no campaign has a device in
/// progress (<see cref="CampaignScheduler.AnyActive"/>): a paused or halted campaign whose downloads all ended costs them nothing.
/// </summary>
public sealed class CampaignStep(ICampaignStore store, CampaignScheduler scheduler) : ISessionStep
{
    /// <inheritdoc />
    public string Name => "campaigns";

    /// <inheritdoc />
    public async ValueTask OpenAsync(CwmpSession session, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(session);
        if (session.IsFirstContact || !scheduler.AnyActive)
        {
            return;
        }

        if (await store.GetActiveCampaignDeviceAsync(session.Id.ToString(), cancellationToken).ConfigureAwait(false) is { State: CampaignDeviceState.InProgress, TaskId: not null } device)
        {
            session.SetStepState(this, new Watch(device));
        }
    }

    /// <inheritdoc />
    public ValueTask AnswerAsync(CwmpSession session, SessionRpc rpc, CwmpMessage answer, CancellationToken cancellationToken) => ValueTask.CompletedTask;

    /// <inheritdoc />
    public async ValueTask DrainedAsync(CwmpSession session, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(session);
        if (session.GetStepState<Watch>(this) is not { Decided: false } watch)
        {
            return;
        }

        var taskId = watch.Device.TaskId!.Value;
        DeviceTaskStatus status;
        string? result;
        TaskFault? fault;
        var thisSession = false;
        if (session.Changes.Tasks.LastOrDefault(t => t.TaskId == taskId) is { } update)
        {
            (status, result, fault) = (update.Status, update.Result, update.Fault);
            thisSession = true;
        }
        else if (await session.GetTaskAsync(taskId, cancellationToken).ConfigureAwait(false) is { } stored)
        {
            (status, result, fault) = (stored.Status, stored.Result, stored.Fault);
        }
        else
        {
            return;
        }

        string? failure;
        switch (status)
        {
            case DeviceTaskStatus.Faulted:
                failure = CampaignFailures.DownloadFault(fault?.Code ?? 0);
                break;
            case DeviceTaskStatus.Done when Completed(result):
                if (thisSession && !session.Events.Contains("7 TRANSFER COMPLETE", StringComparison.Ordinal) && !session.Events.Contains("1 BOOT", StringComparison.Ordinal))
                {
                    // Answered "done" (status 0) in the session that sent it: this Inform predates the install; the
                    // version is judged when the device informs again.
                    return;
                }

                var campaign = await store.GetCampaignAsync(watch.Device.Campaign, cancellationToken).ConfigureAwait(false);
                if (campaign is null)
                {
                    return;
                }

                failure = session.Changes.Device.SoftwareVersion == campaign.Version ? null : CampaignFailures.WrongVersion;
                break;
            case DeviceTaskStatus.Cancelled or DeviceTaskStatus.Expired:
                failure = CampaignFailures.Timeout;
                break;
            default:
                // Queued, or accepted and not complete yet: a later session tells.
                return;
        }

        watch.Decided = true;
        await store.FinishCampaignDeviceAsync(watch.Device.Campaign, watch.Device.DeviceId, failure, session.Now, cancellationToken).ConfigureAwait(false);
    }

    // A transfer the TransferComplete closed without fault (OperatorTasksStep's result).
    private static bool Completed(string? result) => TaskResultState.Is(result, TaskResultState.Completed);

    private sealed class Watch(CampaignDevice device)
    {
        public CampaignDevice Device { get; } = device;

        public bool Decided { get; set; }
    }
}
