using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Palisade.Acs.Query;
using Palisade.Acs.Services;
using Palisade.Acs.Storage;

namespace Palisade.Acs.Provisioning;

/// <summary>
/// The provisioning policy held in memory for the sessions: every preset compiled, every script by name. A session
/// costs no store read; the snapshot is rebuilt when a service on this node writes (<see cref="Invalidate"/>) and when
/// the store's revision shows that another node did (asked at most once per <see cref="ProvisioningLimits.RefreshInterval"/>).
/// </summary>
public sealed partial class ProvisionCatalog(IProvisioningStore store, ProvisioningLimits limits, TimeProvider time, ILogger? logger = null) : IProvisionCatalog
{
    private readonly SemaphoreSlim _loading = new(1, 1);
    private readonly ILogger _logger = logger ?? NullLogger.Instance;
    private volatile Snapshot? _snapshot;
    private long _checkedAt;
    private long _generation;

    /// <summary>Forgets the snapshot: the next session loads the policy again (a load under way is not kept).</summary>
    public void Invalidate()
    {
        Interlocked.Increment(ref _generation);
        _snapshot = null;
    }

    /// <inheritdoc />
    public async ValueTask<IReadOnlyList<ProvisionCall>> MatchAsync(PresetContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var snapshot = await CurrentAsync(cancellationToken).ConfigureAwait(false);
        List<ProvisionCall>? calls = null;
        foreach (var preset in snapshot.Presets)
        {
            if (preset.Calls.Count > 0 && preset.Matches(context))
            {
                (calls ??= []).AddRange(preset.Calls);
            }
        }

        return calls ?? (IReadOnlyList<ProvisionCall>)[];
    }

    /// <inheritdoc />
    public async ValueTask<bool> AnyPresetsAsync(CancellationToken cancellationToken) =>
        (await CurrentAsync(cancellationToken).ConfigureAwait(false)).Presets.Any(p => p.Calls.Count > 0);

    /// <inheritdoc />
    public async ValueTask<ScriptSource?> GetProvisionAsync(string name, CancellationToken cancellationToken) =>
        (await CurrentAsync(cancellationToken).ConfigureAwait(false)).Provisions.GetValueOrDefault(name);

    /// <inheritdoc />
    public async ValueTask<ScriptSource?> GetVirtualParameterAsync(string name, CancellationToken cancellationToken) =>
        (await CurrentAsync(cancellationToken).ConfigureAwait(false)).VirtualParameters.GetValueOrDefault(name);

    /// <inheritdoc />
    public async ValueTask<IReadOnlyList<string>> ListVirtualParametersAsync(CancellationToken cancellationToken) =>
        (await CurrentAsync(cancellationToken).ConfigureAwait(false)).VirtualParameterNames;

    private async ValueTask<Snapshot> CurrentAsync(CancellationToken cancellationToken)
    {
        var snapshot = _snapshot;
        var now = time.GetTimestamp();
        if (snapshot is not null && time.GetElapsedTime(Interlocked.Read(ref _checkedAt), now) < limits.RefreshInterval)
        {
            return snapshot;
        }

        await _loading.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            snapshot = _snapshot;
            if (snapshot is not null && time.GetElapsedTime(Interlocked.Read(ref _checkedAt), now) < limits.RefreshInterval)
            {
                return snapshot;
            }

            var generation = Interlocked.Read(ref _generation);
            var revision = await store.GetRevisionAsync(cancellationToken).ConfigureAwait(false);
            if (snapshot is null || snapshot.Revision != revision)
            {
                snapshot = await LoadAsync(revision, cancellationToken).ConfigureAwait(false);
            }

            // A write on this node during the load invalidated it: use it for this session, keep it for none.
            if (Interlocked.Read(ref _generation) == generation)
            {
                _snapshot = snapshot;
                Interlocked.Exchange(ref _checkedAt, time.GetTimestamp());
            }

            return snapshot;
        }
        finally
        {
            _loading.Release();
        }
    }

    // The revision is read first: a write that lands while the lists are read raises it, and the next check reloads.
    private async Task<Snapshot> LoadAsync(long revision, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var stored = await store.ListPresetsAsync(cancellationToken).ConfigureAwait(false);
        var presets = new List<CompiledPreset>(stored.Count);
        foreach (var s in stored)
        {
            try
            {
                presets.Add(new CompiledPreset(PresetDocument.Parse(s.Name, JsonNode.Parse(s.Document), limits, now), now));
            }
            catch (Exception e) when (e is ServiceException or FilterException or FormatException or System.Text.Json.JsonException)
            {
                // Written by a build with other rules: it is skipped, never half-applied, and the operator is told.
                LogPresetSkipped(_logger, s.Name, e.Message);
            }
        }

        presets.Sort((a, b) => a.Preset.Weight != b.Preset.Weight ? a.Preset.Weight.CompareTo(b.Preset.Weight) : string.CompareOrdinal(a.Preset.Name, b.Preset.Name));
        var provisions = (await store.ListScriptsAsync(ScriptKind.Provision, cancellationToken).ConfigureAwait(false)).ToDictionary(s => s.Name, s => s.Source, StringComparer.Ordinal);
        var vparams = (await store.ListScriptsAsync(ScriptKind.VirtualParameter, cancellationToken).ConfigureAwait(false)).ToDictionary(s => s.Name, s => s.Source, StringComparer.Ordinal);
        return new Snapshot(revision, presets, provisions, vparams, [.. vparams.Keys.Order(StringComparer.Ordinal)]);
    }

    [LoggerMessage(EventId = 1906, Level = LogLevel.Warning, Message = "Preset {Preset} is skipped: {Reason}")]
    private static partial void LogPresetSkipped(ILogger logger, string preset, string reason);

    private sealed record Snapshot(
        long Revision,
        IReadOnlyList<CompiledPreset> Presets,
        IReadOnlyDictionary<string, ScriptSource> Provisions,
        IReadOnlyDictionary<string, ScriptSource> VirtualParameters,
        IReadOnlyList<string> VirtualParameterNames);
}
