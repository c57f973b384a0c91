using System.Text.Json;
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
/// <see cref="ScriptLimits.MaxRounds"/>. A faulted channel is recorded (<see cref="IChannelFaults"/>, which owns the
/// back-off) and skipped while its fault blocks it. See docs/provisioning.md.
/// </summary>
public sealed partial class ProvisioningStep(
    IProvisionCatalog catalog,
    IDeviceRegistry registry,
    IChannelFaults faults,
    IScriptExtensions? extensions,
    ScriptSandbox sandbox,
    ScriptCompiler compiler,
    ILogger logger) : ISessionStep
{
    // Per preset, the latest window whose backups were reported skipped for want of a file server (one line per window,
    // not per session); as many entries as presets that schedule backups.
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, DateTimeOffset> _unservedBackups = new(StringComparer.Ordinal);

    private ScriptLimits Limits => sandbox.Limits;

    /// <inheritdoc />
    public string Name => "provisioning";

    /// <summary>Where <c>Downloads.*</c> declarations send their downloads; null: they fault their channel (no file server).</summary>
    public IProvisionedDownloads? Downloads { get; init; }

    /// <summary>Where presets' <c>backup</c> configurations queue their backups; null: they are logged and skipped (no file server).</summary>
    public IScheduledBackups? Backups { get; init; }

    /// <inheritdoc />
    public ValueTask OpenAsync(CwmpSession session, CancellationToken cancellationToken) => ValueTask.CompletedTask;

    /// <summary>
    /// Takes a <c>provisions</c> task, and a getParameterValues or setParameterValues task of <c>VirtualParameters.*</c>
    /// (<see cref="VirtualParameterTasks"/>): each runs as a channel of its own once the operator tasks are done.
    /// </summary>
    public bool TryRunTask(CwmpSession session, Storage.DeviceTask task, Tasks.TaskDefinition definition)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(definition);
        if (!(definition is Tasks.ProvisionsTask || Tasks.VirtualParameterNames.Names(definition)) || session.GetStepState<ProvisioningSession>(this) is not null)
        {
            return false;
        }

        var pending = session.GetStepState<List<(Storage.DeviceTask, Tasks.TaskDefinition)>>(this);
        if (pending is null)
        {
            pending = [];
            session.SetStepState(this, pending);
        }

        pending.Add((task, definition));
        return true;
    }

    /// <inheritdoc />
    public async ValueTask DrainedAsync(CwmpSession session, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(session);
        var state = session.GetStepState<ProvisioningSession>(this);
        if (state is null)
        {
            var tasks = session.GetStepState<List<(Storage.DeviceTask, Tasks.TaskDefinition)>>(this) ?? [];
            state = await StartAsync(session, tasks, cancellationToken).ConfigureAwait(false);
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

    private async ValueTask<ProvisioningSession> StartAsync(CwmpSession session, List<(Storage.DeviceTask Task, Tasks.TaskDefinition Definition)> tasks, CancellationToken cancellationToken)
    {
        // A fleet without presets pays nothing: no parameters are loaded for matching.
        if (tasks.Count == 0 && !await catalog.AnyPresetsAsync(cancellationToken).ConfigureAwait(false))
        {
            return ProvisioningSession.Nothing;
        }

        var now = session.Now;
        var (view, tags) = await ViewLoader.LoadAsync(session, registry, cancellationToken).ConfigureAwait(false);

        // Preconditions read a few parameters: load those the view lacks, then match again with them.
        var missing = new HashSet<string>(StringComparer.Ordinal);
        var context = new PresetContext(session.Changes.Device, [.. session.Inform.Events.Select(e => e.EventCode)], tags, path =>
        {
            if (!view.Covers(path))
            {
                missing.Add(path);
                return null;
            }

            return view.Get(path) is { IsObject: false, ValueAt: > 0 } node ? node.Value : null;
        }, now);
        var matched = await catalog.MatchAsync(context, cancellationToken).ConfigureAwait(false);
        if (missing.Count > 0)
        {
            await ViewLoader.LoadAsync(session, registry, view, missing, cancellationToken).ConfigureAwait(false);
            matched = await catalog.MatchAsync(context, cancellationToken).ConfigureAwait(false);
        }

        if (matched.Count == 0 && tasks.Count == 0)
        {
            return ProvisioningSession.Nothing;
        }

        // A preset's backup configuration runs no script: the window of its schedule gets one configuration backup.
        if (matched.Any(c => c.Backup is not null))
        {
            await StartBackupsAsync(session, matched, cancellationToken).ConfigureAwait(false);
            matched = [.. matched.Where(c => c.Backup is null)];
        }

        var standing = await faults.GetAsync(session.Id, cancellationToken).ConfigureAwait(false);
        var channels = new List<ChannelState>();
        foreach (var group in matched.GroupBy(c => c.Channel, StringComparer.Ordinal))
        {
            var fault = standing.GetValueOrDefault(group.Key);
            if (fault is not null && fault.Blocks(now))
            {
                LogChannelBackingOff(session.Id.ToString(), group.Key, fault.RetryAt);
                continue;
            }

            var calls = new List<(CompiledScript, string)>();
            foreach (var call in group)
            {
                var source = call.Inline ?? await catalog.GetProvisionAsync(call.Provision, cancellationToken).ConfigureAwait(false);
                var script = source is null
                    ? CompiledScript.Failed(call.Provision, string.Empty, new ScriptFault(ScriptFaultCodes.Missing, $"The provision '{call.Provision}' does not exist.", call.Provision))
                    : compiler.Compile(source.Name, source.Body, source.Sha256);
                calls.Add((script, JsonSerializer.Serialize(call.Args)));
            }

            channels.Add(new ChannelState(group.Key, calls, fault is not null));
        }

        foreach (var (task, definition) in tasks)
        {
            if (definition is not Tasks.ProvisionsTask provisions)
            {
                var script = compiler.Compile("virtual-parameters-task", VirtualParameterTasks.Body, VirtualParameterTasks.Sha256);
                channels.Add(new ChannelState("task-" + task.Id, [(script, VirtualParameterTasks.Arguments(definition))], false) { Task = task, Definition = definition });
                continue;
            }

            var calls = new List<(CompiledScript, string)>();
            foreach (var call in provisions.Provisions)
            {
                var source = await catalog.GetProvisionAsync(call.Provision, cancellationToken).ConfigureAwait(false);
                calls.Add((source is null
                    ? CompiledScript.Failed(call.Provision, string.Empty, new ScriptFault(ScriptFaultCodes.Missing, $"The provision '{call.Provision}' does not exist.", call.Provision))
                    : compiler.Compile(source.Name, source.Body, source.Sha256), call.ArgumentsJson));
            }

            channels.Add(new ChannelState("task-" + task.Id, calls, false) { Task = task });
        }

        if (channels.Count == 0)
        {
            return ProvisioningSession.Nothing;
        }

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

        if (++state.Rounds > Limits.MaxRounds)
        {
            foreach (var channel in active)
            {
                channel.Faulted(new ScriptFault(ScriptFaultCodes.Rounds, $"The channel did not settle within {Limits.MaxRounds} rounds.", channel.Name));
            }

            await FinishAsync(session, state, cancellationToken).ConfigureAwait(false);
            return;
        }

        run.VirtualResults.Clear();
        var fetch = new FetchNeeds();
        var ready = new List<(ChannelState Channel, PlannedWrites Writes)>();
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

                ready.Add((channel, writes));
            }
        }

        // The view holds only the subtrees declarations touched so far. Resolving with it is exact for what it holds,
        // so a channel that is settled is; but before any RPC (a fetch or a write) the whole tree is loaded and the
        // round made again, so that what is sent is decided as it always was. None of this counts as a round.
        if (fetch.Store.Count > 0 || ((fetch.NeedsDevice || ready.Exists(r => r.Writes.Rpcs.Count > 0)) && !run.View.Complete))
        {
            state.Rounds--;
            var whole = fetch.NeedsDevice || ready.Exists(r => r.Writes.Rpcs.Count > 0) || ++state.StoreLoads > 2;
            await ViewLoader.LoadAsync(session, registry, run.View, whole ? null : fetch.Store, cancellationToken).ConfigureAwait(false);
            return;
        }

        foreach (var (channel, writes) in ready)
        {
            foreach (var (tag, present) in writes.Tags)
            {
                TagWriter.Apply(run, tag, present);
            }

            if (writes.DownloadRemovals.Count + writes.DownloadValues.Count + writes.DownloadStarts.Count > 0)
            {
                await DownloadAsync(session, channel, writes, cancellationToken).ConfigureAwait(false);
            }

            foreach (var (request, keys) in writes.Rpcs)
            {
                Enqueue(session, state, request, new ProvisioningRpc(channel, keys));
            }
        }

        foreach (var name in fetch.Load)
        {
            var found = await catalog.GetVirtualParameterAsync(name, cancellationToken).ConfigureAwait(false);
            run.VirtualScripts[name] = found is null ? null : compiler.Compile(found.Name, found.Body, found.Sha256);
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

    // The channel's Downloads.* records change in the view and the commit; each download it starts is queued now.
    private async ValueTask DownloadAsync(CwmpSession session, ChannelState channel, PlannedWrites writes, CancellationToken cancellationToken)
    {
        var run = session.GetStepState<ProvisioningSession>(this)!.Run;
        foreach (var instance in writes.DownloadRemovals)
        {
            DownloadsRoot.Remove(run, instance);
        }

        foreach (var (path, value) in writes.DownloadValues)
        {
            DownloadsRoot.Set(run, path, value, "string", session.Now);
        }

        foreach (var instance in writes.DownloadStarts)
        {
            string Field(string name) => run.View.Get(instance + name)?.Value ?? string.Empty;
            var refusal = Downloads is null
                ? "Downloads.* needs the file server (palisade serve --files-port)."
                : Field("FileName").Length == 0
                    ? "no FileName is declared for the download."
                    : await Downloads.StartAsync(session, Field("FileType"), Field("FileName"), Field("TargetFileName"), cancellationToken).ConfigureAwait(false);
            if (refusal is not null)
            {
                channel.Faulted(new ScriptFault(ScriptFaultCodes.Error, $"{instance[..^1]}: {refusal}", channel.Name));
                return;
            }

            DownloadsRoot.Set(run, instance + DownloadsRoot.Download, session.Now.ToString("O", System.Globalization.CultureInfo.InvariantCulture), "dateTime", session.Now);
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
        foreach (var channel in state.Channels)
        {
            foreach (var line in channel.Log)
            {
                LogScriptLine(session.Id.ToString(), channel.Name, line);
            }

            if (channel.Task is { } task)
            {
                // A provisions task: its outcome is the task's, not a channel fault.
                (channel.Status == ChannelStatus.Faulted ? session.Counters.TasksFaulted : session.Counters.TasksDone).Increment();
                var result = channel.Status != ChannelStatus.Faulted && channel.Definition is { } definition ? VirtualParameterTasks.Result(definition, state.Run.View) : null;
                session.SetTaskOutcome(task.Id, channel.Status == ChannelStatus.Faulted ? Storage.DeviceTaskStatus.Faulted : Storage.DeviceTaskStatus.Done, result,
                    channel.Fault is { } failed ? new Storage.TaskFault(0, failed.Code + ": " + failed.Message, failed.Detail) : null);
                continue;
            }

            if (channel.Status == ChannelStatus.Faulted)
            {
                var fault = channel.Fault!;
                LogChannelFaulted(session.Id.ToString(), channel.Name, fault.Code, fault.Message);
                var provisions = EquatableList<string>.FromArray([.. channel.Calls.Select(c => c.Script.Name)]);
                await faults.RecordAsync(session.Id, channel.Name, new ChannelFaultReport(fault.Code, fault.Message, fault.Detail, provisions), cancellationToken).ConfigureAwait(false);
            }
            else if (channel.HadFault)
            {
                await faults.ClearAsync(session.Id, channel.Name, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private async Task StartBackupsAsync(CwmpSession session, IReadOnlyList<ProvisionCall> matched, CancellationToken cancellationToken)
    {
        foreach (var call in matched)
        {
            if (call.Backup?.OpenedAt(session.Now) is not { } window)
            {
                continue;
            }

            if (Backups is null)
            {
                // Every session of every matched device would say the same: say it once per preset and window.
                if (!_unservedBackups.TryGetValue(call.Preset, out var said) || said < window)
                {
                    _unservedBackups[call.Preset] = window;
                    LogBackupsWithoutFileServer(call.Preset, window);
                }

                continue;
            }

            var refused = await Backups.StartAsync(session, call.Preset, window, cancellationToken).ConfigureAwait(false);
            if (refused is not null)
            {
                LogBackupSkipped(session.Id.ToString(), call.Preset, refused);
            }
        }
    }

    [LoggerMessage(EventId = 1905, Level = LogLevel.Warning, Message = "Preset {Preset}: its backups of the window opened at {Window:O} are skipped: a backup needs the file server (palisade serve --files-port)")]
    private partial void LogBackupsWithoutFileServer(string preset, DateTimeOffset window);

    [LoggerMessage(EventId = 1904, Level = LogLevel.Warning, Message = "Preset {Preset}: no backup of {Device}: {Reason}")]
    private partial void LogBackupSkipped(string device, string preset, string reason);

    [LoggerMessage(EventId = 1901, Level = LogLevel.Information, Message = "Provisioning channel {Channel} of {Device} faulted: {Code} {Reason}")]
    private partial void LogChannelFaulted(string device, string channel, string code, string reason);

    [LoggerMessage(EventId = 1902, Level = LogLevel.Debug, Message = "Provisioning channel {Channel} of {Device} waits until {RetryAfter} after its last fault")]
    private partial void LogChannelBackingOff(string device, string channel, DateTimeOffset retryAfter);

    [LoggerMessage(EventId = 1903, Level = LogLevel.Information, Message = "Provision log ({Device}, channel {Channel}): {Line}")]
    private partial void LogScriptLine(string device, string channel, string line);
}
