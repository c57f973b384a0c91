using Palisade.Acs.Provisioning.Declarations;
using Palisade.Acs.Provisioning.Scripts;

namespace Palisade.Acs.Provisioning;

/// <summary>
/// One round of one channel: run its provisions (or reuse their declarations), resolve every declaration against the
/// view, and say what the channel needs next: data to fetch, writes to make, or nothing (settled).
/// </summary>
internal static class ChannelEvaluator
{
    public static (FetchNeeds? Needs, PlannedWrites? Writes) Evaluate(ProvisioningRun run, ChannelState channel)
    {
        var round = channel.Reusable;
        if (round is null)
        {
            round = new ChannelRound();
            foreach (var (script, args) in channel.Calls)
            {
                var result = run.Run(script, round, args, null, null, run.Cancellation);
                if (result.Status == ScriptRunStatus.Faulted)
                {
                    channel.Faulted(result.Fault!);
                    return (null, null);
                }
            }

            channel.Log.AddRange(round.Log);
            if (!round.DependsOnData && !round.Stopped && round.Special.Count == 0)
            {
                channel.Reusable = round;
            }
        }

        var needs = new FetchNeeds();
        foreach (var (key, call) in round.PendingExt)
        {
            needs.Ext[key] = call;
        }

        var resolved = new List<(Declaration, List<ParameterNode>)>(round.Declarations.Count);
        var pending = round.Stopped;
        foreach (var declaration in round.Declarations)
        {
            var resolve = round.Special.GetValueOrDefault(declaration);
            var nodes = resolve is not null ? resolve(needs) : DeclarationResolver.Resolve(run.View, declaration, needs);
            if (nodes is null)
            {
                pending = true;
                continue;
            }

            resolved.Add((declaration, nodes));
        }

        if (pending || !needs.IsEmpty)
        {
            return (needs, null);
        }

        try
        {
            var writes = WritePlanner.Plan(run.View, resolved, run.NowMs);
            return (null, writes);
        }
        catch (ScriptAbort abort)
        {
            channel.Faulted(abort.Fault with { Detail = abort.Fault.Detail ?? channel.Name });
            return (null, null);
        }
    }
}
