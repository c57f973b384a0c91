using System.Buffers.Text;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Palisade.Acs.Access;
using Palisade.Acs.ConnectionRequests;
using Palisade.Acs.Devices;
using Palisade.Acs.Query;
using Palisade.Acs.Storage;
using Palisade.Acs.Tasks;
using Palisade.Storage.Sqlite;

namespace Palisade.Server.Api;

/// <summary>
/// The REST API under <c>/api/v1/</c>. Every route names the permission it needs; every write is audited with
/// who, what, when and from where; a caller limited to a device filter sees and touches only those devices.
/// </summary>
internal sealed class NorthboundApi(SqliteDeviceStore store, ConnectionRequester requester, TaskWaiter waiter, ApiOptions options, TimeProvider time)
{
    private const int MaxBulk = 100_000;
    private const int MaxBodyBytes = 1024 * 1024;
    private static readonly string[] ManagementServerParameters = ["ManagementServer.URL", "ManagementServer.Username", "ManagementServer.Password"];

    public void Map(WebApplication app)
    {
        var api = app.MapGroup("/api/v1");
        api.MapGet("/devices", (Delegate)((HttpContext c) => Run(c, Permission.ReadDevices, caller => ListDevicesAsync(c, caller))));
        api.MapGet("/devices.csv", (Delegate)((HttpContext c) => Run(c, Permission.ReadDevices, caller => ExportCsvAsync(c, caller))));
        api.MapGet("/devices/{id}", (HttpContext c, string id) => Run(c, Permission.ReadDevices, caller => GetDeviceAsync(c, caller, id)));
        api.MapDelete("/devices/{id}", (HttpContext c, string id) => Run(c, Permission.WriteDevices, caller => DeleteDeviceAsync(c, caller, id)));
        api.MapPut("/devices/{id}/tags/{tag}", (HttpContext c, string id, string tag) => Run(c, Permission.WriteDevices, caller => TagAsync(c, caller, id, tag, true)));
        api.MapDelete("/devices/{id}/tags/{tag}", (HttpContext c, string id, string tag) => Run(c, Permission.WriteDevices, caller => TagAsync(c, caller, id, tag, false)));
        api.MapGet("/devices/{id}/tasks", (HttpContext c, string id) => Run(c, Permission.ReadTasks, caller => ListDeviceTasksAsync(c, caller, id)));
        api.MapPost("/devices/{id}/tasks", (HttpContext c, string id) => Run(c, Permission.WriteTasks, caller => CreateTaskAsync(c, caller, id)));
        api.MapPost("/devices/{id}/readmit", (HttpContext c, string id) => Run(c, Permission.WriteManagementServer, caller => ReadmitAsync(c, caller, id)));
        api.MapPost("/devices/{id}/connection-request", (HttpContext c, string id) => Run(c, Permission.ConnectionRequest, caller => ConnectionRequestAsync(c, caller, id)));
        api.MapPost("/tasks", (Delegate)((HttpContext c) => Run(c, Permission.WriteTasks, caller => CreateBulkTasksAsync(c, caller))));
        api.MapGet("/tasks/{taskId:long}", (HttpContext c, long taskId) => Run(c, Permission.ReadTasks, caller => GetTaskAsync(c, caller, taskId)));
        api.MapPost("/tasks/{taskId:long}/retry", (HttpContext c, long taskId) => Run(c, Permission.WriteTasks, caller => RetryTaskAsync(c, caller, taskId)));
        api.MapDelete("/tasks/{taskId:long}", (HttpContext c, long taskId) => Run(c, Permission.WriteTasks, caller => CancelTaskAsync(c, caller, taskId)));
        api.MapGet("/faults", (Delegate)((HttpContext c) => Run(c, Permission.ReadFaults, caller => ListFaultsAsync(c, caller))));
        api.MapDelete("/faults/{taskId:long}", (HttpContext c, long taskId) => Run(c, Permission.WriteFaults, caller => ClearFaultAsync(c, caller, taskId)));
        api.MapGet("/keys", (Delegate)((HttpContext c) => Run(c, Permission.ManageKeys, _ => ListKeysAsync(c))));
        api.MapPost("/keys", (Delegate)((HttpContext c) => Run(c, Permission.ManageKeys, caller => CreateKeyAsync(c, caller))));
        api.MapDelete("/keys/{keyId}", (HttpContext c, string keyId) => Run(c, Permission.ManageKeys, caller => RevokeKeyAsync(c, caller, keyId)));
        api.MapPost("/users", (Delegate)((HttpContext c) => Run(c, Permission.ManageUsers, caller => CreateUserAsync(c, caller))));
        api.MapGet("/audit", (Delegate)((HttpContext c) => Run(c, Permission.ReadAudit, _ => ListAuditAsync(c))));
        api.MapGet("/audit/verify", (Delegate)((HttpContext c) => Run(c, Permission.ReadAudit, _ => VerifyAuditAsync(c))));
        api.MapGet("/posture", (Delegate)((HttpContext c) => Run(c, Permission.ReadDevices, caller => PostureAsync(c, caller))));
        api.MapGet("/stats", (Delegate)((HttpContext c) => Run(c, Permission.ReadDevices, _ => StatsAsync(c))));
    }

    // Every route: authenticate, check the permission, run; a refusal never tells more than it must.
    private static async Task<IResult> Run(HttpContext context, Permission permission, Func<Caller, Task<IResult>> action)
    {
        if (context.Items[ApiAuthentication.CallerKey] is not Caller caller)
        {
            return Problems.Unauthorized();
        }

        if (!caller.Can(permission))
        {
            return Problems.Forbidden(Name(permission));
        }

        try
        {
            return await action(caller).ConfigureAwait(false);
        }
        catch (FilterException e)
        {
            return Problems.BadRequest("The filter is not valid: " + e.Message);
        }
        catch (TaskValidationException e)
        {
            return Problems.BadRequest("The task is not valid: " + e.Message);
        }
        catch (JsonException)
        {
            return Problems.BadRequest("The body is not valid JSON.");
        }
        catch (StoreException e) when (e.Reason == StoreErrorReason.Rejected)
        {
            return Problems.Of(409, "Conflict", "The store refused the change; nothing was written.");
        }
    }

    private static string Name(Permission permission) => JsonNamingPolicy.KebabCaseLower.ConvertName(permission.ToString());

    // ---- devices ----

    private async Task<IResult> ListDevicesAsync(HttpContext c, Caller caller)
    {
        var q = c.Request.Query;
        var filter = Scoped(caller, FilterParser.Parse(q["filter"], time.GetUtcNow()));
        var sort = q["sort"].ToString() is { Length: > 0 } s ? s.TrimStart('-') : "id";
        if (!DeviceSearch.SortFields.Contains(sort))
        {
            return Problems.BadRequest($"sort must be one of {string.Join(", ", DeviceSearch.SortFields)} (prefix '-' for descending).");
        }

        var limit = Int(q["limit"], 100, 1, 1000);
        if (limit is null || !TryCursor(q["cursor"], sort, out var after))
        {
            return Problems.BadRequest("limit must be 1–1000 and cursor a value returned as nextCursor (with the same sort).");
        }

        // Matches are counted for the first page only: counting them on every page made paging through a million
        // devices cost a full count per page. A client that pages keeps the first page's total.
        var result = await store.SearchDevicesAsync(new DeviceSearch(filter, sort, q["sort"].ToString().StartsWith('-'), after, limit.Value, IncludeTotal: after is null), c.RequestAborted).ConfigureAwait(false);
        var projection = Projection(q["projection"]);
        var now = time.GetUtcNow();
        var projected = await ProjectedAsync(result.Devices, projection, c.RequestAborted).ConfigureAwait(false);
        var devices = new JsonArray();
        foreach (var d in result.Devices)
        {
            devices.Add(ApiJson.Device(d, now, parameters: projected?[d.Id], reachedAt: requester.LastReached(d.Id)));
        }

        return ApiJson.Ok(new JsonObject
        {
            ["devices"] = devices,
            ["total"] = result.Total,
            ["nextCursor"] = result.Next is { } next ? Base64Url.EncodeToString(Encoding.UTF8.GetBytes(next)) : null,
        });
    }

    private Task<IResult> ExportCsvAsync(HttpContext c, Caller caller)
    {
        var q = c.Request.Query;
        var filter = Scoped(caller, FilterParser.Parse(q["filter"], time.GetUtcNow()));
        var projection = Projection(q["projection"]);
        var columns = new List<string> { "id", "serialNumber", "productClass", "softwareVersion", "lastInform", "online" };
        columns.AddRange(projection);

        // Written a page at a time: an export of a million devices never sits in memory whole.
        return Task.FromResult(Results.Stream(async body =>
        {
            await using var writer = new StreamWriter(body, new UTF8Encoding(false), 64 * 1024);
            await writer.WriteAsync(string.Join(',', columns.Select(Csv)) + "\r\n").ConfigureAwait(false);
            var now = time.GetUtcNow();
            await foreach (var devices in store.PagesAsync(filter, cancellationToken: c.RequestAborted).ConfigureAwait(false))
            {
                var projected = await ProjectedAsync(devices, projection, c.RequestAborted).ConfigureAwait(false);
                foreach (var d in devices)
                {
                    var values = new List<string?> { d.Id.ToString(), d.Id.SerialNumber, d.Id.ProductClass, d.SoftwareVersion, d.LastInformAt?.ToString("O", CultureInfo.InvariantCulture), ApiJson.IsOnline(d, now, requester.LastReached(d.Id)) ? "true" : "false" };
                    if (projected is not null)
                    {
                        var parameters = projected[d.Id];
                        values.AddRange(projection.Select(p => parameters.FirstOrDefault(x => x.Path == p)?.Value));
                    }

                    await writer.WriteAsync(string.Join(',', values.Select(v => Csv(v ?? string.Empty))) + "\r\n").ConfigureAwait(false);
                }
            }
        }, "text/csv; charset=utf-8"));
    }

    private async Task<IResult> GetDeviceAsync(HttpContext c, Caller caller, string id)
    {
        if (await VisibleDeviceAsync(c, caller, id).ConfigureAwait(false) is not { } device)
        {
            return Problems.NotFound("device");
        }

        var subtree = c.Request.Query["subtree"].ToString();
        var parameters = await store.GetParametersAsync(device.Id, subtree.Length == 0 ? null : subtree, c.RequestAborted).ConfigureAwait(false);
        var tags = await store.GetTagsAsync(device.Id, c.RequestAborted).ConfigureAwait(false);
        return ApiJson.Ok(ApiJson.Device(device, time.GetUtcNow(), tags, parameters, requester.LastReached(device.Id)));
    }

    private async Task<IResult> DeleteDeviceAsync(HttpContext c, Caller caller, string id)
    {
        if (await VisibleDeviceAsync(c, caller, id).ConfigureAwait(false) is not { } device)
        {
            return Problems.NotFound("device");
        }

        await store.DeleteDeviceAsync(device.Id, c.RequestAborted).ConfigureAwait(false);
        await AuditAsync(c, caller, "device.delete", device.Id.ToString(), new JsonObject()).ConfigureAwait(false);
        return Results.NoContent();
    }

    private async Task<IResult> TagAsync(HttpContext c, Caller caller, string id, string tag, bool present)
    {
        if (tag.Length is 0 or > 128 || tag.Any(ch => char.IsControl(ch) || ch is ',' or '"'))
        {
            return Problems.BadRequest("A tag is 1–128 printable characters without commas or quotes.");
        }

        if (await VisibleDeviceAsync(c, caller, id).ConfigureAwait(false) is not { } device)
        {
            return Problems.NotFound("device");
        }

        await store.SetTagAsync(device.Id, tag, present, c.RequestAborted).ConfigureAwait(false);
        await AuditAsync(c, caller, present ? "tag.add" : "tag.remove", device.Id.ToString(), new JsonObject { ["tag"] = tag }).ConfigureAwait(false);
        return ApiJson.Ok(new JsonObject { ["tags"] = new JsonArray([.. (await store.GetTagsAsync(device.Id, c.RequestAborted).ConfigureAwait(false)).Select(t => (JsonNode)JsonValue.Create(t)!)]) });
    }

    // A device that was factory-reset comes back on the bootstrap credential, which an enrolled device may never
    // use: an operator who expects the reset re-admits it, once; its next session enrolls it again.
    private async Task<IResult> ReadmitAsync(HttpContext c, Caller caller, string id)
    {
        if (await VisibleDeviceAsync(c, caller, id).ConfigureAwait(false) is not { } device)
        {
            return Problems.NotFound("device");
        }

        await store.CommitSessionAsync(new SessionChanges(device with { Credentials = DeviceCredentials.None }), c.RequestAborted).ConfigureAwait(false);
        await AuditAsync(c, caller, "device.readmit", device.Id.ToString(), new JsonObject()).ConfigureAwait(false);
        return ApiJson.Ok(new JsonObject { ["id"] = device.Id.ToString(), ["enrolled"] = false, ["detail"] = "The bootstrap credential admits this device once more; its next session gives it new credentials." });
    }

    // ---- tasks ----

    private async Task<IResult> ListDeviceTasksAsync(HttpContext c, Caller caller, string id)
    {
        if (await VisibleDeviceAsync(c, caller, id).ConfigureAwait(false) is not { } device)
        {
            return Problems.NotFound("device");
        }

        var tasks = await store.ListTasksAsync(device.Id, Int(c.Request.Query["limit"], 100, 1, 1000) ?? 100, c.RequestAborted).ConfigureAwait(false);
        return ApiJson.Ok(new JsonObject { ["tasks"] = new JsonArray([.. tasks.Select(t => (JsonNode)ApiJson.Task(t))]) });
    }

    private async Task<IResult> CreateTaskAsync(HttpContext c, Caller caller, string id)
    {
        if (await VisibleDeviceAsync(c, caller, id).ConfigureAwait(false) is not { } device)
        {
            return Problems.NotFound("device");
        }

        var (definition, expires, problem) = await ReadTaskAsync(c, caller).ConfigureAwait(false);
        if (problem is not null)
        {
            return problem;
        }

        var timeout = Int(c.Request.Query["timeout"], 0, 0, 300);
        if (timeout is null)
        {
            return Problems.BadRequest("timeout is a number of seconds, 0–300.");
        }

        var now = time.GetUtcNow();
        var task = await store.AddTaskAsync(device.Id, new NewTask(definition!.Name, TaskJson.Serialize(definition), now, expires ?? now + options.DefaultTaskExpiry), c.RequestAborted).ConfigureAwait(false);
        await AuditAsync(c, caller, ManagementServerWrite(definition) ? "device.management-server.write" : "task.create", device.Id.ToString(), new JsonObject { ["task"] = task.Id, ["name"] = definition.Name, ["body"] = Redacted(definition) }).ConfigureAwait(false);

        ConnectionRequestOutcome? poke = null;
        if (Bool(c.Request.Query["connection_request"]))
        {
            if (!caller.Can(Permission.ConnectionRequest))
            {
                return Problems.Forbidden(Name(Permission.ConnectionRequest));
            }

            poke = await requester.RequestAsync(device, c.RequestAborted, await AllowsBasicAsync(device, c.RequestAborted).ConfigureAwait(false)).ConfigureAwait(false);
        }

        if (timeout > 0 && poke is null or { Result: ConnectionRequestResult.Reached or ConnectionRequestResult.SentUdp })
        {
            await waiter.WaitAsync(task.Id, TimeSpan.FromSeconds(timeout.Value), c.RequestAborted).ConfigureAwait(false);
        }

        var current = await store.GetTaskAsync(task.Id, c.RequestAborted).ConfigureAwait(false) ?? task;
        var body = ApiJson.Task(current);
        if (poke is not null)
        {
            body["connectionRequest"] = new JsonObject { ["result"] = JsonNamingPolicy.KebabCaseLower.ConvertName(poke.Result.ToString()), ["detail"] = poke.Detail };
        }

        return ApiJson.Ok(body, current.Status == DeviceTaskStatus.Queued ? 202 : 200);
    }

    private async Task<IResult> CreateBulkTasksAsync(HttpContext c, Caller caller)
    {
        var text = c.Request.Query["filter"].ToString();
        if (text.Length == 0)
        {
            return Problems.BadRequest("A bulk task needs ?filter=… (use id IS NOT NULL to mean every device).");
        }

        var filter = Scoped(caller, FilterParser.Parse(text, time.GetUtcNow()));
        var (definition, expires, problem) = await ReadTaskAsync(c, caller).ConfigureAwait(false);
        if (problem is not null)
        {
            return problem;
        }

        var ids = await store.MatchDeviceIdsAsync(filter, MaxBulk + 1, c.RequestAborted).ConfigureAwait(false);
        if (ids.Count > MaxBulk)
        {
            return Problems.BadRequest($"The filter matches more than {MaxBulk} devices; narrow it or split the work.");
        }

        var now = time.GetUtcNow();
        var payload = TaskJson.Serialize(definition!);
        foreach (var id in ids)
        {
            await store.AddTaskAsync(id, new NewTask(definition!.Name, payload, now, expires ?? now + options.DefaultTaskExpiry), c.RequestAborted).ConfigureAwait(false);
        }

        await AuditAsync(c, caller, "task.bulk-create", "filter:" + text, new JsonObject { ["name"] = definition!.Name, ["devices"] = ids.Count, ["body"] = Redacted(definition) }).ConfigureAwait(false);
        return ApiJson.Ok(new JsonObject { ["created"] = ids.Count, ["name"] = definition.Name }, 201);
    }

    private async Task<IResult> GetTaskAsync(HttpContext c, Caller caller, long taskId) =>
        await VisibleTaskAsync(c, caller, taskId).ConfigureAwait(false) is { } task ? ApiJson.Ok(ApiJson.Task(task)) : Problems.NotFound("task");

    private async Task<IResult> RetryTaskAsync(HttpContext c, Caller caller, long taskId)
    {
        if (await VisibleTaskAsync(c, caller, taskId).ConfigureAwait(false) is null)
        {
            return Problems.NotFound("task");
        }

        var now = time.GetUtcNow();
        var retried = await store.RetryTaskAsync(taskId, now, now + options.DefaultTaskExpiry, c.RequestAborted).ConfigureAwait(false);
        if (retried is null)
        {
            return Problems.Of(409, "Conflict", "Only faulted, expired or cancelled tasks can be retried.");
        }

        await AuditAsync(c, caller, "task.retry", retried.DeviceId.ToString(), new JsonObject { ["task"] = taskId }).ConfigureAwait(false);
        return ApiJson.Ok(ApiJson.Task(retried));
    }

    private async Task<IResult> CancelTaskAsync(HttpContext c, Caller caller, long taskId)
    {
        if (await VisibleTaskAsync(c, caller, taskId).ConfigureAwait(false) is not { } task)
        {
            return Problems.NotFound("task");
        }

        if (!await store.CancelTaskAsync(taskId, time.GetUtcNow(), c.RequestAborted).ConfigureAwait(false))
        {
            return Problems.Of(409, "Conflict", "Only queued tasks can be cancelled.");
        }

        await AuditAsync(c, caller, "task.cancel", task.DeviceId.ToString(), new JsonObject { ["task"] = taskId }).ConfigureAwait(false);
        return Results.NoContent();
    }

    private async Task<IResult> ConnectionRequestAsync(HttpContext c, Caller caller, string id)
    {
        if (await VisibleDeviceAsync(c, caller, id).ConfigureAwait(false) is not { } device)
        {
            return Problems.NotFound("device");
        }

        var outcome = await requester.RequestAsync(device, c.RequestAborted, await AllowsBasicAsync(device, c.RequestAborted).ConfigureAwait(false)).ConfigureAwait(false);
        await AuditAsync(c, caller, "device.connection-request", device.Id.ToString(), new JsonObject { ["result"] = outcome.Result.ToString() }).ConfigureAwait(false);
        return ApiJson.Ok(new JsonObject { ["result"] = JsonNamingPolicy.KebabCaseLower.ConvertName(outcome.Result.ToString()), ["detail"] = outcome.Detail });
    }

    // ---- faults ----

    private async Task<IResult> ListFaultsAsync(HttpContext c, Caller caller)
    {
        DeviceId? id = null;
        if (c.Request.Query["device"].ToString() is { Length: > 0 } text)
        {
            if (await VisibleDeviceAsync(c, caller, text).ConfigureAwait(false) is not { } device)
            {
                return Problems.NotFound("device");
            }

            id = device.Id;
        }

        var filter = Scoped(caller, FilterParser.Parse(c.Request.Query["filter"], time.GetUtcNow()));
        var faults = await store.ListFaultsAsync(id, filter, Int(c.Request.Query["limit"], 100, 1, 1000) ?? 100, c.RequestAborted).ConfigureAwait(false);
        return ApiJson.Ok(new JsonObject { ["faults"] = new JsonArray([.. faults.Select(f => (JsonNode)ApiJson.Task(f))]) });
    }

    private async Task<IResult> ClearFaultAsync(HttpContext c, Caller caller, long taskId)
    {
        if (await VisibleTaskAsync(c, caller, taskId).ConfigureAwait(false) is not { } task || !await store.ClearFaultAsync(taskId, c.RequestAborted).ConfigureAwait(false))
        {
            return Problems.NotFound("fault");
        }

        await AuditAsync(c, caller, "fault.clear", task.DeviceId.ToString(), new JsonObject { ["task"] = taskId, ["code"] = task.Fault?.Code }).ConfigureAwait(false);
        return Results.NoContent();
    }

    // ---- keys and audit ----

    private async Task<IResult> ListKeysAsync(HttpContext c) =>
        ApiJson.Ok(new JsonObject { ["keys"] = new JsonArray([.. (await store.ListKeysAsync(c.RequestAborted).ConfigureAwait(false)).Select(k => (JsonNode)ApiJson.Key(k))]) });

    private async Task<IResult> CreateKeyAsync(HttpContext c, Caller caller)
    {
        var body = await ReadJsonAsync(c).ConfigureAwait(false);
        var name = body?["name"]?.GetValue<string>();
        var role = body?["role"]?.GetValue<string>();
        var filter = body?["deviceFilter"]?.GetValue<string>();
        var days = body?["expiresInDays"]?.GetValue<int>();
        if (string.IsNullOrWhiteSpace(name) || name.Length > 128 || role is null || !Roles.Exists(role))
        {
            return Problems.BadRequest($"A key needs a name (1–128 characters) and a role ({string.Join(", ", Roles.All)}).");
        }

        if (filter is not null)
        {
            FilterParser.Parse(filter, time.GetUtcNow());
        }

        var now = time.GetUtcNow();
        var (token, record) = ApiKeys.Create(name, role, filter, now, days is > 0 ? now.AddDays(days.Value) : null, caller.Actor);
        await store.CreateKeyAsync(record, c.RequestAborted).ConfigureAwait(false);
        await AuditAsync(c, caller, "key.create", "key:" + record.Id, new JsonObject { ["name"] = name, ["role"] = role, ["deviceFilter"] = filter }).ConfigureAwait(false);
        var result = ApiJson.Key(record);
        result["key"] = token;
        return ApiJson.Ok(result, 201);
    }

    private async Task<IResult> RevokeKeyAsync(HttpContext c, Caller caller, string keyId)
    {
        if (!await store.RevokeKeyAsync(keyId, time.GetUtcNow(), c.RequestAborted).ConfigureAwait(false))
        {
            return Problems.NotFound("key");
        }

        await AuditAsync(c, caller, "key.revoke", "key:" + keyId, new JsonObject()).ConfigureAwait(false);
        return Results.NoContent();
    }

    private async Task<IResult> CreateUserAsync(HttpContext c, Caller caller)
    {
        var body = await ReadJsonAsync(c).ConfigureAwait(false);
        var name = body?["name"]?.GetValue<string>();
        var role = body?["role"]?.GetValue<string>();
        if (name is null || name.Length is 0 or > 64 || !name.All(ch => char.IsAsciiLetterOrDigit(ch) || ch is '.' or '-' or '_') || role is null || !Roles.Exists(role))
        {
            return Problems.BadRequest($"A user needs a name (1–64 letters, digits, '.', '-', '_') and a role ({string.Join(", ", Roles.All)}).");
        }

        if (await store.GetUserAsync(name, c.RequestAborted).ConfigureAwait(false) is not null)
        {
            return Problems.Of(409, "Conflict", "A user with that name exists.");
        }

        // The password is generated and shown once: no weak choice, no default.
        var password = Palisade.Security.Secrets.PasswordGenerator.Generate();
        await store.CreateUserAsync(new UserRecord(name, role, PasswordHasher.Hash(password), 0, null, time.GetUtcNow()), c.RequestAborted).ConfigureAwait(false);
        await AuditAsync(c, caller, "user.create", "user:" + name, new JsonObject { ["role"] = role }).ConfigureAwait(false);
        return ApiJson.Ok(new JsonObject { ["name"] = name, ["role"] = role, ["password"] = password }, 201);
    }

    private async Task<IResult> ListAuditAsync(HttpContext c)
    {
        long? before = long.TryParse(c.Request.Query["before"], NumberStyles.None, CultureInfo.InvariantCulture, out var b) ? b : null;
        var entries = await store.ListAuditAsync(before, Int(c.Request.Query["limit"], 100, 1, 1000) ?? 100, c.RequestAborted).ConfigureAwait(false);
        return ApiJson.Ok(new JsonObject { ["entries"] = new JsonArray([.. entries.Select(e => (JsonNode)ApiJson.Audit(e))]) });
    }

    private async Task<IResult> VerifyAuditAsync(HttpContext c)
    {
        AuditCheckpoint? checkpoint = null;
        if (c.Request.Query["expect"].ToString() is { Length: > 0 } text && !AuditCheckpoint.TryParse(text, out checkpoint))
        {
            return Problems.BadRequest("expect must be a checkpoint SEQ:HASH as returned in 'checkpoint'.");
        }

        var v = await store.VerifyAuditAsync(c.RequestAborted, checkpoint).ConfigureAwait(false);
        return ApiJson.Ok(new JsonObject { ["intact"] = v.Intact, ["entries"] = v.Entries, ["firstBadSeq"] = v.FirstBadSeq, ["problem"] = v.Problem, ["checkpoint"] = v.Head?.ToString() });
    }

    private async Task<IResult> StatsAsync(HttpContext c) => ApiJson.Ok(new JsonObject
    {
        ["devices"] = await store.CountDevicesAsync(c.RequestAborted).ConfigureAwait(false),
        ["connectionRequests"] = new JsonObject
        {
            ["reached"] = requester.Reached,
            ["refused"] = requester.Refused,
            ["timeout"] = requester.Timeouts,
            ["unreachable"] = requester.Unreachable,
            ["udpSent"] = requester.UdpSent,
        },
    });

    private async Task<IResult> PostureAsync(HttpContext c, Caller caller)
    {
        if (caller.DeviceScope is not null)
        {
            return Problems.Forbidden("fleet-wide read (this key is limited to a device filter)");
        }

        var items = await Acs.Posture.FleetPosture.ComputeAsync(store, [.. options.AcsUrlAllowList], c.Request.Query["minFirmware"].ToString() is { Length: > 0 } v ? v : null, time.GetUtcNow(), c.RequestAborted).ConfigureAwait(false);
        var array = new JsonArray();
        foreach (var i in items)
        {
            array.Add(new JsonObject
            {
                ["id"] = i.Id,
                ["severity"] = i.Severity,
                ["title"] = i.Title,
                ["devices"] = i.Devices,
                ["filter"] = i.Filter,
                ["list"] = "/api/v1/devices?filter=" + Uri.EscapeDataString(i.Filter),
                ["remedy"] = i.Remedy,
                ["remedyTask"] = i.RemedyTask is { } task ? JsonNode.Parse(task) : null,
            });
        }

        return ApiJson.Ok(new JsonObject { ["items"] = array });
    }

    // ---- helpers ----

    private async Task<bool> AllowsBasicAsync(Device device, CancellationToken cancellationToken) =>
        (await store.GetTagsAsync(device.Id, cancellationToken).ConfigureAwait(false)).Contains(ConnectionRequester.AllowBasicTag);

    private async Task<(TaskDefinition? Definition, DateTimeOffset? Expires, IResult? Problem)> ReadTaskAsync(HttpContext c, Caller caller)
    {
        var body = await ReadJsonAsync(c).ConfigureAwait(false);
        if (body is not JsonObject)
        {
            return (null, null, Problems.BadRequest("The body must be a task object, e.g. {\"name\": \"reboot\"}."));
        }

        var definition = TaskJson.Parse(body.ToJsonString());
        if (definition is MoveToHttpsTask { Url.Length: 0 })
        {
            if (options.DefaultAcsUrl is not { } own)
            {
                return (null, null, Problems.BadRequest("This server has no https listener to move devices to: run it with TLS (and --legacy-http-port for the plaintext devices), or give the task a \"url\"."));
            }

            definition = new MoveToHttpsTask(own);
        }

        if (ManagementServerWrite(definition))
        {
            if (!caller.Can(Permission.WriteManagementServer))
            {
                return (null, null, Problems.Forbidden(Name(Permission.WriteManagementServer)));
            }

            var url = definition is MoveToHttpsTask move ? move.Url
                : ((SetParameterValuesTask)definition).ParameterValues.FirstOrDefault(p => p.Name.EndsWith("ManagementServer.URL", StringComparison.Ordinal))?.Value.Text;
            if (url is not null && (!Uri.TryCreate(url, UriKind.Absolute, out var target) || target.Scheme != Uri.UriSchemeHttps
                || !options.AcsUrlAllowList.Contains(target.Host, StringComparer.OrdinalIgnoreCase)))
            {
                return (null, null, Problems.BadRequest($"ManagementServer.URL must be an https URL on an allowed host ({string.Join(", ", options.AcsUrlAllowList)})."));
            }
        }

        DateTimeOffset? expires = null;
        if (c.Request.Query.ContainsKey("expires_in"))
        {
            if (Int(c.Request.Query["expires_in"], 0, 1, 90 * 86400) is not { } seconds || seconds < 1)
            {
                return (null, null, Problems.BadRequest("expires_in is a number of seconds, 1–7776000."));
            }

            expires = time.GetUtcNow().AddSeconds(seconds);
        }

        return (definition, expires, null);
    }

    private static bool ManagementServerWrite(TaskDefinition definition) =>
        definition is MoveToHttpsTask
        || definition is SetParameterValuesTask set && set.ParameterValues.Any(p => ManagementServerParameters.Any(m => p.Name.EndsWith(m, StringComparison.Ordinal)));

    private static JsonNode Redacted(TaskDefinition definition)
    {
        var node = JsonNode.Parse(TaskJson.Serialize(definition))!;
        if (node["parameterValues"] is JsonArray values)
        {
            foreach (var v in values.OfType<JsonArray>())
            {
                if (v.Count > 1 && v[0]?.GetValue<string>() is { } name && Palisade.Cwmp.Values.SecretParameters.IsSecret(name))
                {
                    v[1] = "(redacted)";
                }
            }
        }

        return node;
    }

    private static async Task<JsonNode?> ReadJsonAsync(HttpContext c)
    {
        if (c.Request.ContentLength is > MaxBodyBytes)
        {
            throw new JsonException("too large");
        }

        using var buffer = new MemoryStream();
        await c.Request.Body.CopyToAsync(buffer, c.RequestAborted).ConfigureAwait(false);
        if (buffer.Length > MaxBodyBytes)
        {
            throw new JsonException("too large");
        }

        return buffer.Length == 0 ? null : JsonNode.Parse(buffer.ToArray(), documentOptions: new JsonDocumentOptions { MaxDepth = 32 });
    }

    private async Task<Device?> VisibleDeviceAsync(HttpContext c, Caller caller, string id)
    {
        if (!DeviceId.TryParse(id, out var deviceId))
        {
            return null;
        }

        var device = await store.GetDeviceAsync(deviceId, c.RequestAborted).ConfigureAwait(false);
        if (device is null || (caller.DeviceScope is { } scope && !await store.MatchesAsync(deviceId, scope, c.RequestAborted).ConfigureAwait(false)))
        {
            return null;
        }

        return device;
    }

    private async Task<DeviceTask?> VisibleTaskAsync(HttpContext c, Caller caller, long taskId)
    {
        var task = await store.GetTaskAsync(taskId, c.RequestAborted).ConfigureAwait(false);
        return task is null || (caller.DeviceScope is { } scope && !await store.MatchesAsync(task.DeviceId, scope, c.RequestAborted).ConfigureAwait(false)) ? null : task;
    }

    private static Filter? Scoped(Caller caller, Filter? filter) =>
        caller.DeviceScope is null ? filter : filter is null ? caller.DeviceScope : new AndFilter(caller.DeviceScope, filter);

    // A page's projected parameters in one read; null without a projection.
    private async Task<IReadOnlyDictionary<DeviceId, IReadOnlyList<CachedParameter>>?> ProjectedAsync(IReadOnlyList<Device> devices, List<string> projection, CancellationToken cancellationToken) =>
        projection.Count == 0 || devices.Count == 0 ? null : await store.GetParametersAsync([.. devices.Select(d => d.Id)], projection, cancellationToken).ConfigureAwait(false);

    private static List<string> Projection(string? text) =>
        string.IsNullOrWhiteSpace(text) ? [] : [.. text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Take(64)];

    private async Task AuditAsync(HttpContext c, Caller caller, string action, string target, JsonObject detail) =>
        await store.AppendAsync(new AuditRecord(time.GetUtcNow(), caller.Actor, c.Connection.RemoteIpAddress?.ToString() ?? "-", action, target, detail.ToJsonString()), CancellationToken.None).ConfigureAwait(false);

    private static int? Int(string? text, int fallback, int min, int max) =>
        string.IsNullOrEmpty(text) ? fallback
        : int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var v) && v >= min && v <= max ? v : null;

    // A nextCursor is the store's SearchCursor in base64url; one for another sort, or made up, is refused.
    private static bool TryCursor(string? text, string sort, out string? after)
    {
        after = null;
        if (string.IsNullOrEmpty(text))
        {
            return true;
        }

        if (text.Length > 1024)
        {
            return false;
        }

        try
        {
            var raw = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(text));
            SearchCursor.Parse(raw, sort);
            after = raw;
            return true;
        }
        catch (Exception e) when (e is FormatException or ArgumentException)
        {
            return false;
        }
    }

    private static bool Bool(string? text) => text is "true" or "1" or "yes";

    // CSV cells: quoted, and never starting with a formula character (spreadsheet injection).
    private static string Csv(string value)
    {
        if (value.Length > 0 && value[0] is '=' or '+' or '-' or '@' or '\t' or '\r')
        {
            value = "'" + value;
        }

        return "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
    }
}
