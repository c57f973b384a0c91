using System.Text.Json;
using System.Text.Json.Nodes;
using Palisade.Acs.Access;
using Palisade.Acs.Audit;
using Palisade.Acs.ConnectionRequests;
using Palisade.Acs.Devices;
using Palisade.Acs.Query;
using Palisade.Acs.Services;
using Palisade.Acs.Storage;

namespace Palisade.Acs.Tasks;

/// <summary>
/// Operator tasks: validated before they are queued, the management server's settings guarded by their own
/// permission and allow-list, bulk work bounded, every write audited. No reader sees a task's secrets, the author
/// included (it already has them): reads and the audit log show them redacted (<see cref="TaskRedaction"/>).
/// </summary>
public sealed class TaskService(ITaskStore store, IDeviceRegistry registry, DeviceService devices, TaskWaiter waiter, AuditService audit, TaskServiceOptions options, TimeProvider time)
{
    /// <summary>The file store that download tasks naming a stored file are resolved against (null: such tasks are refused).</summary>
    public Files.IFileStore? Files { get; init; }

    /// <summary>Queues a task for one device; optionally pokes it and waits for the outcome.</summary>
    public async Task<TaskOutcome> CreateAsync(Caller caller, string deviceId, TaskRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(request);
        caller.Demand(Permission.WriteTasks);
        var device = await ScopedReads.DeviceAsync(registry, caller, deviceId, cancellationToken).ConfigureAwait(false);
        var validated = Validate(caller, request.Body);
        var definition = validated is RestoreTask restore
            ? await RestoreAsync(caller, restore, device.Id, cancellationToken).ConfigureAwait(false)
            : await ResolveAsync(validated, cancellationToken).ConfigureAwait(false);
        if (definition is RotateCredentialsTask && (await registry.GetTagsAsync(device.Id, cancellationToken).ConfigureAwait(false)).Contains(FactoryCredentials.DeviceImportService.FixedTag))
        {
            throw ServiceException.Conflict($"The device's factory credential is never rotated (tag '{FactoryCredentials.DeviceImportService.FixedTag}', imported with rotate=false): it cannot take another one. Remove the tag first if it can.");
        }

        var expires = Expiry(request.ExpiresInSeconds);
        if (request.TimeoutSeconds is < 0 or > 300)
        {
            throw ServiceException.Invalid("timeout", "timeout is a number of seconds, 0–300.");
        }

        if (request.ConnectionRequest)
        {
            caller.Demand(Permission.ConnectionRequest);
        }

        var task = await store.AddTaskAsync(device.Id, new NewTask(definition.Name, TaskJson.Serialize(definition), time.GetUtcNow(), expires), cancellationToken).ConfigureAwait(false);
        Sessions.SessionMetrics.Tasks("queued");
        await audit.RecordAsync(caller, ManagementServerWrite(definition) ? "device.management-server.write" : "task.create", device.Id.ToString(), new JsonObject { ["task"] = task.Id, ["name"] = definition.Name, ["body"] = Redacted(definition) }).ConfigureAwait(false);

        // The wait starts before the connection request: the session it brings may commit the task before the request
        // returns (a UDP request is followed by its repeats), and a wait begun after that would sit out its timeout.
        using var stopWaiting = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var wait = request.TimeoutSeconds > 0 ? waiter.WaitAsync(task.Id, TimeSpan.FromSeconds(request.TimeoutSeconds), stopWaiting.Token) : Task.CompletedTask;
        ConnectionRequestOutcome? poke = null;
        if (request.ConnectionRequest)
        {
            poke = await devices.PokeAsync(device, cancellationToken).ConfigureAwait(false);
        }

        if (poke is { Delivered: false })
        {
            await stopWaiting.CancelAsync().ConfigureAwait(false);
        }

        try
        {
            await wait.ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
        }

        var current = await store.GetTaskAsync(task.Id, cancellationToken).ConfigureAwait(false) ?? task;
        return new TaskOutcome(TaskRedaction.Redact(current), poke);
    }

    /// <summary>Queues the same task for every device the filter matches within the caller's scope (at most <see cref="TaskServiceOptions.MaxBulk"/>).</summary>
    public async Task<(int Created, string Name)> CreateBulkAsync(Caller caller, string? filterText, TaskRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(request);
        caller.Demand(Permission.WriteTasks);
        if (string.IsNullOrEmpty(filterText))
        {
            throw ServiceException.Invalid("filter", "A bulk task needs ?filter=… (use id IS NOT NULL to mean every device).");
        }

        var filter = caller.Scoped(Filters.Parse(filterText, time.GetUtcNow()));
        var validated = Validate(caller, request.Body);
        if (validated is RestoreTask)
        {
            throw ServiceException.Invalid("name", "A restore sends one chosen backup to one device: queue it per device (POST /api/v1/devices/{id}/tasks).");
        }

        var definition = await ResolveAsync(validated, cancellationToken).ConfigureAwait(false);
        if (definition is RotateCredentialsTask)
        {
            // Devices whose factory credential is fixed are left out: they cannot take another one.
            filter = new AndFilter(filter!, Filters.Parse($"NOT tag = \"{FactoryCredentials.DeviceImportService.FixedTag}\"", time.GetUtcNow())!);
        }

        var expires = Expiry(request.ExpiresInSeconds);
        var ids = await registry.MatchDeviceIdsAsync(filter, options.MaxBulk + 1, cancellationToken).ConfigureAwait(false);
        if (ids.Count > options.MaxBulk)
        {
            throw ServiceException.Invalid("filter", $"The filter matches more than {options.MaxBulk} devices; narrow it or split the work.");
        }

        var now = time.GetUtcNow();
        var payload = TaskJson.Serialize(definition);
        foreach (var id in ids)
        {
            await store.AddTaskAsync(id, new NewTask(definition.Name, payload, now, expires), cancellationToken).ConfigureAwait(false);
        }

        Sessions.SessionMetrics.Tasks("queued", ids.Count);
        await audit.RecordAsync(caller, "task.bulk-create", "filter:" + filterText, new JsonObject { ["name"] = definition.Name, ["devices"] = ids.Count, ["body"] = Redacted(definition) }).ConfigureAwait(false);
        return (ids.Count, definition.Name);
    }

    /// <summary>A task within the caller's scope.</summary>
    public async Task<DeviceTask> GetAsync(Caller caller, long taskId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        caller.Demand(Permission.ReadTasks);
        var task = await ScopedReads.TaskAsync(store, registry, caller, taskId, cancellationToken).ConfigureAwait(false) ?? throw ServiceException.NotFound("task");
        return TaskRedaction.Redact(task);
    }

    /// <summary>A device's tasks, newest first.</summary>
    public async Task<IReadOnlyList<DeviceTask>> ListAsync(Caller caller, string deviceId, int limit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        caller.Demand(Permission.ReadTasks);
        var device = await ScopedReads.DeviceAsync(registry, caller, deviceId, cancellationToken).ConfigureAwait(false);
        var tasks = await store.ListTasksAsync(device.Id, Math.Clamp(limit, 1, 1000), cancellationToken).ConfigureAwait(false);
        return [.. tasks.Select(TaskRedaction.Redact)];
    }

    /// <summary>Queues a faulted, expired or cancelled task again.</summary>
    public async Task<DeviceTask> RetryAsync(Caller caller, long taskId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        caller.Demand(Permission.WriteTasks);
        if (await ScopedReads.TaskAsync(store, registry, caller, taskId, cancellationToken).ConfigureAwait(false) is not { } task)
        {
            throw ServiceException.NotFound("task");
        }

        // Sending it again is queueing it again: the same permission as creating it.
        DemandManagement(caller, TaskJson.Parse(task.Payload));
        var now = time.GetUtcNow();
        var retried = await store.RetryTaskAsync(taskId, now, now + options.DefaultTaskExpiry, cancellationToken).ConfigureAwait(false)
            ?? throw ServiceException.Conflict("Only faulted, expired or cancelled tasks can be retried.");
        await audit.RecordAsync(caller, "task.retry", retried.DeviceId.ToString(), new JsonObject { ["task"] = taskId }).ConfigureAwait(false);
        return TaskRedaction.Redact(retried);
    }

    /// <summary>Cancels a queued task.</summary>
    public async Task CancelAsync(Caller caller, long taskId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        caller.Demand(Permission.WriteTasks);
        var task = await ScopedReads.TaskAsync(store, registry, caller, taskId, cancellationToken).ConfigureAwait(false) ?? throw ServiceException.NotFound("task");
        if (!await store.CancelTaskAsync(taskId, time.GetUtcNow(), cancellationToken).ConfigureAwait(false))
        {
            throw ServiceException.Conflict("Only queued tasks can be cancelled.");
        }

        await audit.RecordAsync(caller, "task.cancel", task.DeviceId.ToString(), new JsonObject { ["task"] = taskId }).ConfigureAwait(false);
    }

    /// <summary>Parses and checks a task body against the caller's permissions and the ACS-URL allow-list.</summary>
    internal TaskDefinition Validate(Caller caller, JsonNode? body)
    {
        if (body is not JsonObject)
        {
            throw ServiceException.Invalid("body", "The body must be a task object, e.g. {\"name\": \"reboot\"}.");
        }

        TaskDefinition definition;
        try
        {
            definition = TaskJson.Parse(body.ToJsonString());
        }
        catch (TaskValidationException e)
        {
            throw ServiceException.Invalid("task", "The task is not valid: " + e.Message);
        }
        catch (JsonException)
        {
            throw ServiceException.Invalid("body", "The body is not valid JSON.");
        }

        if (definition is MoveToHttpsTask { Url.Length: 0 })
        {
            definition = new MoveToHttpsTask(options.DefaultAcsUrl
                ?? throw ServiceException.Invalid("url", "This server has no https listener to move devices to: run it with TLS (and --legacy-http-port for the plaintext devices), or give the task a \"url\"."));
        }

        DemandManagement(caller, definition);
        if (definition is DownloadTask { FileType: ManagementClass.ConfigurationFile } config && config.Url.Length > 0
            && (!Uri.TryCreate(config.Url, UriKind.Absolute, out var source) || source.Scheme != Uri.UriSchemeHttps))
        {
            // A configuration file carries the ACS URL and credentials: fetched over http, anyone on the path sets them.
            throw ServiceException.Invalid("url", "A configuration file is downloaded over https only.");
        }

        if (ManagementServerWrite(definition))
        {
            var url = definition is MoveToHttpsTask move ? move.Url
                : (definition as SetParameterValuesTask)?.ParameterValues.FirstOrDefault(p => p.Name.EndsWith("ManagementServer.URL", StringComparison.Ordinal))?.Value.Text;
            if (url is not null && (!Uri.TryCreate(url, UriKind.Absolute, out var target) || target.Scheme != Uri.UriSchemeHttps
                || !options.AcsUrlAllowList.Contains(target.Host, StringComparer.OrdinalIgnoreCase)))
            {
                throw ServiceException.Invalid("url", $"ManagementServer.URL must be an https URL on an allowed host ({string.Join(", ", options.AcsUrlAllowList)}).");
            }
        }

        return definition;
    }

    // A download of a stored file takes its size, SHA-256 and type from the store (Files/StoredDownloads).
    private async Task<TaskDefinition> ResolveAsync(TaskDefinition definition, CancellationToken cancellationToken) =>
        definition is DownloadTask { Url.Length: 0 } download
            ? await global::Palisade.Acs.Files.StoredDownloads.ResolveAsync(Files, download, cancellationToken).ConfigureAwait(false)
            : definition is UploadTask { Url.Length: 0 } && Files is null
                ? throw ServiceException.Invalid("url", "This server has no file store to take configuration backups into; give the upload a url.")
                : definition;

    // A restore becomes the download of the backup it names; a caller limited to some devices restores only their
    // backups, checked before the backup is resolved (StoredDownloads.RestoreAsync asks first, and reads it once).
    private async Task<TaskDefinition> RestoreAsync(Caller caller, RestoreTask restore, DeviceId device, CancellationToken cancellationToken)
    {
        caller.Demand(Permission.ReadFiles);
        return await global::Palisade.Acs.Files.StoredDownloads.RestoreAsync(Files, restore, device.ToString(), (source, ct) => ScopedReads.InScopeAsync(registry, caller, source, ct), cancellationToken).ConfigureAwait(false);
    }

    private DateTimeOffset Expiry(int? seconds) => seconds switch
    {
        null => time.GetUtcNow() + options.DefaultTaskExpiry,
        >= 1 and <= 90 * 86400 => time.GetUtcNow().AddSeconds(seconds.Value),
        _ => throw ServiceException.Invalid("expires_in", "expires_in is a number of seconds, 1–7776000."),
    };

    // The task says what it touches (moveToHttps, rotateCredentials, a write of ManagementServer.URL).
    private static bool ManagementServerWrite(TaskDefinition definition) => definition.ChangesManagementServer;

    // A task in a management class (ManagementClass) needs the management permission; the 403 says which class.
    private void DemandManagement(Caller caller, TaskDefinition definition)
    {
        if (ManagementClass.Reason(definition, host => options.AcsUrlAllowList.Contains(host, StringComparer.OrdinalIgnoreCase)) is { } reason
            && !caller.Can(Permission.WriteManagementServer))
        {
            throw ServiceException.Forbidden($"This task needs the permission '{Roles.Name(Permission.WriteManagementServer)}': {reason}.");
        }
    }

    // The audit log never holds a secret.
    private static JsonNode Redacted(TaskDefinition definition) => TaskRedaction.Redact((JsonObject)JsonNode.Parse(TaskJson.Serialize(definition))!);
}
