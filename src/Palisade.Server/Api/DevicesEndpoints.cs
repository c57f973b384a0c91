using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Palisade.Acs.Access;
using Palisade.Acs.Devices;

namespace Palisade.Server.Api;

/// <summary><c>/devices</c>: list, export, read, delete, tag, readmit, connection request, and <c>/stats</c>.</summary>
internal static class DevicesEndpoints
{
    public static void Map(RouteGroupBuilder api, DeviceService devices)
    {
        api.MapGet("/devices", (Delegate)((HttpContext c) => Endpoint.Run(c, Permission.ReadDevices, async caller =>
        {
            var query = new DeviceQuery(Endpoint.Text(c, "filter"), Endpoint.Text(c, "sort"), Endpoint.Text(c, "cursor"), Endpoint.PageSize(c), Endpoint.Text(c, "projection"));
            var page = await devices.ListAsync(caller, query, c.RequestAborted).ConfigureAwait(false);
            return ApiJson.Ok(new JsonObject
            {
                ["devices"] = new JsonArray([.. page.Devices.Select(d => (JsonNode)ApiJson.Device(d))]),
                ["total"] = page.Total,
                ["nextCursor"] = page.NextCursor,
            });
        })));
        api.MapGet("/devices.csv", (Delegate)((HttpContext c) => Endpoint.Run(c, Permission.ReadDevices, caller =>
        {
            // Checked before the first byte goes out; written a page at a time after.
            var filter = devices.ParseExport(caller, Endpoint.Text(c, "filter"), Endpoint.Text(c, "projection"), out var projection);
            return Task.FromResult(Results.Stream(async body =>
            {
                await using var writer = new StreamWriter(body, new UTF8Encoding(false), 64 * 1024);
                await devices.WriteCsvAsync(filter, projection, writer, c.RequestAborted).ConfigureAwait(false);
            }, "text/csv; charset=utf-8"));
        })));
        api.MapGet("/devices/{id}", (HttpContext c, string id) => Endpoint.Run(c, Permission.ReadDevices, async caller =>
            ApiJson.Ok(ApiJson.Device(await devices.GetAsync(caller, id, Endpoint.Text(c, "subtree"), c.RequestAborted).ConfigureAwait(false)))));
        api.MapDelete("/devices/{id}", (HttpContext c, string id) => Endpoint.Run(c, Permission.WriteDevices, async caller =>
        {
            await devices.DeleteAsync(caller, id, Endpoint.Flag(c, "block"), c.RequestAborted).ConfigureAwait(false);
            return Results.NoContent();
        }));
        api.MapPut("/devices/{id}/tags/{tag}", (HttpContext c, string id, string tag) => Endpoint.Run(c, Permission.WriteDevices, caller => TagAsync(c, caller, id, tag, true)));
        api.MapDelete("/devices/{id}/tags/{tag}", (HttpContext c, string id, string tag) => Endpoint.Run(c, Permission.WriteDevices, caller => TagAsync(c, caller, id, tag, false)));
        api.MapPost("/devices/{id}/readmit", (HttpContext c, string id) => Endpoint.Run(c, Permission.WriteManagementServer, async caller =>
        {
            var device = await devices.ReadmitAsync(caller, id, c.RequestAborted).ConfigureAwait(false);
            return ApiJson.Ok(new JsonObject { ["id"] = device.Id.ToString(), ["enrolled"] = false, ["detail"] = "The bootstrap credential admits this device once more; its next session gives it new credentials." });
        }));
        api.MapPost("/devices/{id}/connection-request", (HttpContext c, string id) => Endpoint.Run(c, Permission.ConnectionRequest, async caller =>
        {
            var outcome = await devices.RequestConnectionAsync(caller, id, c.RequestAborted).ConfigureAwait(false);
            return ApiJson.Ok(ApiJson.ConnectionRequest(outcome));
        }));
        api.MapGet("/stats", (Delegate)((HttpContext c) => Endpoint.Run(c, Permission.ReadDevices, async caller =>
        {
            var s = await devices.StatsAsync(caller, c.RequestAborted).ConfigureAwait(false);
            return ApiJson.Ok(new JsonObject
            {
                ["devices"] = s.Devices,
                ["connectionRequests"] = new JsonObject { ["reached"] = s.Reached, ["refused"] = s.Refused, ["timeout"] = s.Timeouts, ["unreachable"] = s.Unreachable, ["udpSent"] = s.UdpSent },
            });
        })));

        async Task<IResult> TagAsync(HttpContext c, Caller caller, string id, string tag, bool present)
        {
            var tags = await devices.SetTagAsync(caller, id, tag, present, c.RequestAborted).ConfigureAwait(false);
            return ApiJson.Ok(new JsonObject { ["tags"] = new JsonArray([.. tags.Select(t => (JsonNode)JsonValue.Create(t)!)]) });
        }
    }
}
