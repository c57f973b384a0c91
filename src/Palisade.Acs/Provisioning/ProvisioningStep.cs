using Microsoft.Extensions.Logging;
using Palisade.Acs.Provisioning.Declarations;
using Palisade.Acs.Provisioning.Scripts;
using Palisade.Acs.Sessions;
using Palisade.Acs.Storage;
using Palisade.Cwmp;
using Palisade.Cwmp.Messages;

namespace Palisade.Acs.Provisioning;

/// <summary>
/// Provisioning as a session step: once the operator tasks are done (<see cref="DrainedAsync"/>), the presets that match
/// the session give channels of provisions; each round runs the active channels' scripts in the sandbox, resolves
/// their declarations against the device's cached tree, and queues one batch: the listings and reads that stale or
/// unknown data needs (shared by every channel), and each ready channel's writes (its own RPCs, so that a fault in one
/// channel never touches another). Rounds repeat until every channel has settled or faulted, at most
/// <see cref="ScriptLimits.MaxRounds"/>. A faulted channel is recorded with a back-off and skipped until it expires.
/// See docs/provisioning.md.
/// </summary>
public sealed partial class ProvisioningStep(
    IProvisioningSource source,
    IDeviceRegistry registry,
    IChannelFaultLog faults,
    IScriptExtensions? extensions,
    ScriptSandbox sandbox,
    ScriptCompiler compiler,
    ProvisioningOptions options,
    ILogger logger) : ISessionStep
{
    /// <inheritdoc />
    public string Name => "provisioning";

    /// <inheritdoc />
    public ValueTask OpenAsync(CwmpSession session, CancellationToken cancellationToken) => ValueTask.CompletedTask;

    /// <inheritdoc />
    public async ValueTask DrainedAsync(CwmpSession session, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(session);
        var state = session.GetStepState<ProvisioningSession>(this);
        if (state is null)
        {
            state = await StartAsync(session, cancellationToken).ConfigureAwait(false);
            session.SetStepState(this, state);
        }

        if (state.Done)
        {
            return;
        }

        state.Run.Cancellation = cancellationToken;
        while (!state.Done && session.QueuedCount == 0)
        {
            await RoundAsync(session, state, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public ValueTask AnswerAsync(CwmpSession session, SessionRpc rpc, CwmpMessage answer, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(rpc);
        ArgumentNullException.ThrowIfNull(answer);
        var state = session.GetStepState<ProvisioningSession>(this);
        if (state?.Run is null || rpc.State is not ProvisioningRpc purpose)
        {
            return ValueTask.CompletedTask;
        }

        AnswerApplier.Apply(this, session, state, rpc.Request, purpose, answer);
        return ValueTask.CompletedTask;
    }

    internal void Enqueue(CwmpSession session, ProvisioningSession state, CwmpMessage request, ProvisioningRpc purpose)
    {
        if (!CwmpMethods.ExistsIn(request.MethodName, session.Version))
        {
            purpose.Channel?.Faulted(new ScriptFault(ScriptFaultCodes.Error, $"{request.MethodName} does not exist in the CWMP version this device speaks.", purpose.Channel.Name));
            return;
        }

        state.Rpcs++;
        session.Enqueue(new SessionRpc(this, request) { State = purpose });
    }

    private async ValueTask<ProvisioningSession> StartAsync(CwmpSession session, CancellationToken cancellationToken)
    {
        var matched = await source.MatchAsync(session, cancellationToken).ConfigureAwait(false);
        if (matched.Count == 0)
        {
            return ProvisioningSession.Nothing;
        }

        var now = session.Now;
        var standing = session.IsFirstContact ? [] : await faults.GetAsync(session.Id, cancellationToken).ConfigureAwait(false);
        var channels = new List<ChannelState>(matched.Count);
        foreach (var channel in matched)
        {
            var fault = standing.FirstOrDefault(f => f.Channel == channel.Channel);
            if (fault is not null && fault.RetryAfter > now)
            {
                LogChannelBackingOff(session.Id.ToString(), channel.Channel, fault.RetryAfter);
                continue;
            }

            var calls = channel.Calls.Select(c => (c.Body is null
                ? CompiledScript.Failed(c.Name, string.Empty, new ScriptFault(ScriptFaultCodes.Missing, $"The provision '{c.Name}' does not exist.", c.Name))
                : compiler.Compile(c.Name, c.Body, c.Sha256), c.ArgumentsJson)).ToList();
            channels.Add(new ChannelState(channel.Channel, calls, fault?.Retries ?? 0));
        }

        if (channels.Count == 0)
        {
            return ProvisioningSession.Nothing;
        }

        var view = await ViewLoader.LoadAsync(session, registry, cancellationToken).ConfigureAwait(false);
        var timestamp = session.Changes.Device.LastInformAt ?? now;
        var run = new ProvisioningRun(view, sandbox, new SandboxContext(session.Id.ToString(), timestamp), session.Changes);
        return new ProvisioningSession(run, channels);
    }

    private async ValueTask RoundAsync(CwmpSession session, ProvisioningSession state, CancellationToken cancellationToken)
    {
        var run = state.Run;
        var active = state.Channels.Where(c => c.Status == ChannelStatus.Active).ToList();
        if (active.Count == 0)
        {
            await FinishAsync(session, state, cancellationToken).ConfigureAwait(false);
            return;
        }

        if (++state.Rounds > options.Limits.MaxRounds)
        {
            foreach (var channel in active)
            {
                channel.Faulted(new ScriptFault(ScriptFaultCodes.Rounds, $"The channel did not settle within {options.Limits.MaxRounds} rounds.", channel.Name));
            }

            await FinishAsync(session, state, cancellationToken).ConfigureAwait(false);
            return;
        }

        run.VirtualResults.Clear();
        var fetch = new FetchNeeds();
        foreach (var channel in active)
        {
            var (needs, writes) = ChannelEvaluator.Evaluate(run, channel);
            if (needs is not null)
            {
                if (needs.Ext.Count > 0)
                {
                    await CallExtensionsAsync(run, channel, needs, cancellationToken).ConfigureAwait(false);
                }

                fetch.Add(needs);
            }
            else if (writes is not null)
            {
                if (writes.IsEmpty)
                {
                    channel.Status = ChannelStatus.Settled;
                    continue;
                }

                foreach (var (tag, present) in writes.Tags)
                {
                    TagWriter.Apply(run, tag, present);
                }

                foreach (var (request, keys) in writes.Rpcs)
                {
                    Enqueue(session, state, request, new ProvisioningRpc(channel, keys));
                }
            }
        }

        foreach (var name in fetch.Load)
        {
            var found = await source.GetVirtualParameterAsync(name, cancellationToken).ConfigureAwait(false);
            run.VirtualScripts[name] = found?.Body is { } body ? compiler.Compile(found.Name, body, found.Sha256) : null;
        }

        var listed = fetch.MinimalListing();
        foreach (var prefix in listed)
        {
            Enqueue(session, state, new GetParameterNamesRequest(prefix, false), new ProvisioningRpc(null));
        }

        var reads = fetch.Read.Where(r => !listed.Any(l => r.StartsWith(l, StringComparison.Ordinal))).ToArray();
        if (reads.Length > 0)
        {
            Enqueue(session, state, new GetParameterValuesRequest(reads), new ProvisioningRpc(null));
        }
    }

    private async ValueTask CallExtensionsAsync(ProvisioningRun run, ChannelState channel, FetchNeeds needs, CancellationToken cancellationToken)
    {
        foreach (var (key, call) in needs.Ext)
        {
            if (extensions is null)
            {
                channel.Faulted(new ScriptFault(ScriptFaultCodes.Ext, $"ext('{call.Name}') was called but no extension endpoint is configured.", channel.Name));
                return;
            }

            try
            {
                run.ExtCache[key] = await extensions.CallAsync(call, cancellationToken).ConfigureAwait(false);
            }
            catch (ScriptExtensionException e)
            {
                channel.Faulted(new ScriptFault(ScriptFaultCodes.Ext, $"ext('{call.Name}', '{call.Function}'): {e.Message}", channel.Name));
                return;
            }
        }

        needs.Ext.Clear();
    }

    private async ValueTask FinishAsync(CwmpSession session, ProvisioningSession state, CancellationToken cancellationToken)
    {
        state.Done = true;
        var now = session.Now;
        foreach (var channel in state.Channels)
        {
            foreach (var line in channel.Log)
            {
                LogScriptLine(session.Id.ToString(), channel.Name, line);
            }

            if (channel.Status == ChannelStatus.Faulted)
            {
                var retries = channel.Retries + 1;
                var fault = channel.Fault!;
                LogChannelFaulted(session.Id.ToString(), channel.Name, fault.Code, fault.Message);
                await faults.RecordAsync(session.Id, channel.Name, fault, retries, options.RetryAfter(now, retries), now, cancellationToken).ConfigureAwait(false);
            }
            else if (channel.Retries > 0)
            {
                await faults.ClearAsync(session.Id, channel.Name, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    [LoggerMessage(EventId = 1901, Level = LogLevel.Information, Message = "Provisioning channel {Channel} of {Device} faulted: {Code} {Reason}")]
    private partial void LogChannelFaulted(string device, string channel, string code, string reason);

    [LoggerMessage(EventId = 1902, Level = LogLevel.Debug, Message = "Provisioning channel {Channel} of {Device} waits until {RetryAfter} after its last fault")]
    private partial void LogChannelBackingOff(string device, string channel, DateTimeOffset retryAfter);

    [LoggerMessage(EventId = 1903, Level = LogLevel.Information, Message = "Provision log ({Device}, channel {Channel}): {Line}")]
    private partial void LogScriptLine(string device, string channel, string line);
}
