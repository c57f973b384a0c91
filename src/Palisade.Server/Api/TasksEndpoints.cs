using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Palisade.Acs.Access;
using Palisade.Acs.Storage;
using Palisade.Acs.Tasks;

namespace Palisade.Server.Api;

/// <summary><c>/devices/{id}/tasks</c> and <c>/tasks</c>: queue (one device or a filter), read, retry, cancel.</summary>
internal static class TasksEndpoints
{
    public static void Map(RouteGroupBuilder api, TaskService tasks)
    {
        api.MapGet("/devices/{id}/tasks", (HttpContext c, string id) => Endpoint.Run(c, Permission.ReadTasks, async caller =>
        {
            var list = await tasks.ListAsync(caller, id, Endpoint.PageSize(c), c.RequestAborted).ConfigureAwait(false);
            return ApiJson.Ok(new JsonObject { ["tasks"] = new JsonArray([.. list.Select(t => (JsonNode)ApiJson.Task(t))]) });
        }));
        api.MapPost("/devices/{id}/tasks", (HttpContext c, string id) => Endpoint.Run(c, Permission.WriteTasks, async caller =>
        {
            var request = new TaskRequest(await Endpoint.ReadJsonAsync(c).ConfigureAwait(false), ExpiresIn(c), Endpoint.Flag(c, "connection_request"), Endpoint.Int(c, "timeout", 0, 0, 300));
            var outcome = await tasks.CreateAsync(caller, id, request, c.RequestAborted).ConfigureAwait(false);
            var body = ApiJson.Task(outcome.Task);
            if (outcome.ConnectionRequest is { } poke)
            {
                body["connectionRequest"] = ApiJson.ConnectionRequest(poke);
            }

            return ApiJson.Ok(body, outcome.Task.Status == DeviceTaskStatus.Queued ? 202 : 200);
        }));
        api.MapPost("/tasks", (Delegate)((HttpContext c) => Endpoint.Run(c, Permission.WriteTasks, async caller =>
        {
            var filter = Endpoint.Text(c, "filter");
            var request = new TaskRequest(await Endpoint.ReadJsonAsync(c).ConfigureAwait(false), ExpiresIn(c));
            var (created, name) = await tasks.CreateBulkAsync(caller, filter, request, c.RequestAborted).ConfigureAwait(false);
            return ApiJson.Ok(new JsonObject { ["created"] = created, ["name"] = name }, 201);
        })));
        api.MapGet("/tasks/{taskId:long}", (HttpContext c, long taskId) => Endpoint.Run(c, Permission.ReadTasks, async caller =>
            ApiJson.Ok(ApiJson.Task(await tasks.GetAsync(caller, taskId, c.RequestAborted).ConfigureAwait(false)))));
        api.MapPost("/tasks/{taskId:long}/retry", (HttpContext c, long taskId) => Endpoint.Run(c, Permission.WriteTasks, async caller =>
            ApiJson.Ok(ApiJson.Task(await tasks.RetryAsync(caller, taskId, c.RequestAborted).ConfigureAwait(false)))));
        api.MapDelete("/tasks/{taskId:long}", (HttpContext c, long taskId) => Endpoint.Run(c, Permission.WriteTasks, async caller =>
        {
            await tasks.CancelAsync(caller, taskId, c.RequestAborted).ConfigureAwait(false);
            return Results.NoContent();
        }));
    }

    private static int? ExpiresIn(HttpContext c) =>
        c.Request.Query.ContainsKey("expires_in") ? Endpoint.Int(c, "expires_in", 0, 1, 90 * 86400) : null;
}
