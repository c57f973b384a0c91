using System.Text.Json.Nodes;
using Palisade.Acs.Access;
using Palisade.Acs.Audit;
using Palisade.Acs.Services;
using Palisade.Acs.Storage;

namespace Palisade.Acs.Provisioning;

/// <summary>
/// Presets, provisions and virtual parameters as operators write them: validated (names, sizes, JSON shape,
/// precondition, schedule, script syntax), written only with <see cref="Permission.WriteProvisioning"/>, every write
/// audited with the SHA-256 of what was written, and the sessions' catalog refreshed at once.
/// </summary>
public sealed class ProvisioningService(IProvisioningStore store, AuditService audit, ProvisionCatalog catalog, ProvisioningLimits limits, TimeProvider time)
{
    /// <summary>The bounds writes are checked against.</summary>
    public ProvisioningLimits Limits => limits;

    /// <summary>All presets, by name.</summary>
    public async Task<IReadOnlyList<StoredPreset>> ListPresetsAsync(Caller caller, CancellationToken cancellationToken)
    {
        Demand(caller, Permission.ReadProvisioning);
        return await store.ListPresetsAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>One preset.</summary>
    public async Task<StoredPreset> GetPresetAsync(Caller caller, string name, CancellationToken cancellationToken)
    {
        Demand(caller, Permission.ReadProvisioning);
        return await store.GetPresetAsync(name, cancellationToken).ConfigureAwait(false) ?? throw ServiceException.NotFound("preset");
    }

    /// <summary>Creates or replaces a preset from its GenieACS JSON.</summary>
    public async Task<Written<StoredPreset>> PutPresetAsync(Caller caller, string name, JsonNode? body, CancellationToken cancellationToken)
    {
        Demand(caller, Permission.WriteProvisioning);
        var now = time.GetUtcNow();
        var preset = PresetDocument.Parse(name, body, limits, now);
        var stored = new StoredPreset(name, PresetDocument.ToJson(preset).ToJsonString(), now, caller.Actor);
        await EnsureRoomAsync(name, async () => (await store.ListPresetsAsync(cancellationToken).ConfigureAwait(false)).Select(p => p.Name), cancellationToken).ConfigureAwait(false);
        var created = await store.PutPresetAsync(stored, cancellationToken).ConfigureAwait(false);
        catalog.Invalidate();
        await audit.RecordAsync(caller, "preset.put", name, new JsonObject
        {
            ["sha256"] = ScriptHash.Of(stored.Document),
            ["created"] = created,
            ["channel"] = preset.Channel,
            ["provisions"] = new JsonArray([.. preset.Configurations.Where(c => !c.IsLegacy).Select(c => (JsonNode)c.Name)]),
        }).ConfigureAwait(false);
        return new Written<StoredPreset>(stored, created);
    }

    /// <summary>Deletes a preset.</summary>
    public async Task DeletePresetAsync(Caller caller, string name, CancellationToken cancellationToken)
    {
        Demand(caller, Permission.WriteProvisioning);
        if (!await store.DeletePresetAsync(name, cancellationToken).ConfigureAwait(false))
        {
            throw ServiceException.NotFound("preset");
        }

        catalog.Invalidate();
        await audit.RecordAsync(caller, "preset.delete", name, []).ConfigureAwait(false);
    }

    /// <summary>All provisions or virtual parameters, by name.</summary>
    public async Task<IReadOnlyList<StoredScript>> ListScriptsAsync(Caller caller, ScriptKind kind, CancellationToken cancellationToken)
    {
        Demand(caller, Permission.ReadProvisioning);
        return await store.ListScriptsAsync(kind, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>One provision or virtual parameter.</summary>
    public async Task<StoredScript> GetScriptAsync(Caller caller, ScriptKind kind, string name, CancellationToken cancellationToken)
    {
        Demand(caller, Permission.ReadProvisioning);
        return await store.GetScriptAsync(kind, name, cancellationToken).ConfigureAwait(false) ?? throw ServiceException.NotFound(What(kind));
    }

    /// <summary>Creates or replaces a provision or virtual parameter; a body that does not parse is refused.</summary>
    public async Task<Written<StoredScript>> PutScriptAsync(Caller caller, ScriptKind kind, string name, string? body, CancellationToken cancellationToken)
    {
        Demand(caller, Permission.WriteProvisioning);
        var script = CheckScript(kind, name, body, caller.Actor);
        await EnsureRoomAsync(name, async () => (await store.ListScriptsAsync(kind, cancellationToken).ConfigureAwait(false)).Select(s => s.Name), cancellationToken).ConfigureAwait(false);
        var created = await store.PutScriptAsync(script, cancellationToken).ConfigureAwait(false);
        catalog.Invalidate();
        await audit.RecordAsync(caller, Action(kind) + ".put", name, new JsonObject
        {
            ["sha256"] = script.Sha256,
            ["created"] = created,
            ["chars"] = script.Body.Length,
        }).ConfigureAwait(false);
        return new Written<StoredScript>(script, created);
    }

    /// <summary>Deletes a provision or virtual parameter.</summary>
    public async Task DeleteScriptAsync(Caller caller, ScriptKind kind, string name, CancellationToken cancellationToken)
    {
        Demand(caller, Permission.WriteProvisioning);
        var existing = await store.GetScriptAsync(kind, name, cancellationToken).ConfigureAwait(false);
        if (existing is null || !await store.DeleteScriptAsync(kind, name, cancellationToken).ConfigureAwait(false))
        {
            throw ServiceException.NotFound(What(kind));
        }

        catalog.Invalidate();
        await audit.RecordAsync(caller, Action(kind) + ".delete", name, new JsonObject { ["sha256"] = existing.Sha256 }).ConfigureAwait(false);
    }

    /// <summary>An editor's syntax check of a preset: what <see cref="PutPresetAsync"/> checks, with its permission, nothing written.</summary>
    public void CheckPreset(Caller caller, string name, JsonNode? body)
    {
        Demand(caller, Permission.WriteProvisioning);
        PresetDocument.Parse(name, body, limits, time.GetUtcNow());
    }

    /// <summary>An editor's syntax check of a script: what <see cref="PutScriptAsync"/> checks, with its permission, nothing written.</summary>
    public StoredScript CheckScript(Caller caller, ScriptKind kind, string name, string? body)
    {
        Demand(caller, Permission.WriteProvisioning);
        return CheckScript(kind, name, body, caller.Actor);
    }

    /// <summary>Checks a script as <see cref="PutScriptAsync"/> would, without writing it (for import's dry run).</summary>
    public StoredScript CheckScript(ScriptKind kind, string name, string? body, string actor)
    {
        if (!ProvisioningNames.IsValid(name))
        {
            throw ServiceException.Invalid("name", $"A {What(kind)} name is {ProvisioningNames.Rule}.");
        }

        if (string.IsNullOrWhiteSpace(body))
        {
            throw ServiceException.Invalid("body", $"The {What(kind)} is empty: send its JavaScript as the body.");
        }

        if (body.Length > limits.MaxScriptChars)
        {
            throw ServiceException.Invalid("body", $"A script is at most {limits.MaxScriptChars} characters.");
        }

        if (ScriptSyntax.Check(name, body) is { } error)
        {
            throw ServiceException.Invalid("body", "The script does not parse as JavaScript: " + Clip(error));
        }

        return new StoredScript(kind, name, body, ScriptHash.Of(body), time.GetUtcNow(), actor);
    }

    private async Task EnsureRoomAsync(string name, Func<Task<IEnumerable<string>>> names, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var existing = (await names().ConfigureAwait(false)).ToList();
        if (existing.Count >= limits.MaxObjects && !existing.Contains(name, StringComparer.Ordinal))
        {
            throw ServiceException.TooMuchWork($"At most {limits.MaxObjects} of each are kept (every one is held in memory); delete one first.");
        }
    }

    private static void Demand(Caller caller, Permission permission)
    {
        ArgumentNullException.ThrowIfNull(caller);
        caller.Demand(permission);
    }

    private static string What(ScriptKind kind) => kind == ScriptKind.Provision ? "provision" : "virtual parameter";

    private static string Action(ScriptKind kind) => kind == ScriptKind.Provision ? "provision" : "vparam";

    private static string Clip(string text) => text.Length <= 300 ? text : text[..300] + "…";
}
