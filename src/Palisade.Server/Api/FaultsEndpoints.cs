using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Palisade.Acs.Access;
using Palisade.Acs.Faults;

namespace Palisade.Server.Api;

/// <summary><c>/faults</c>: task faults and provisioning (channel) faults, listed by device or filter, and cleared.</summary>
internal static class FaultsEndpoints
{
    public static void Map(RouteGroupBuilder api, FaultService faults)
    {
        api.MapGet("/faults", (Delegate)((HttpContext c) => Endpoint.Run(c, Permission.ReadFaults, async caller =>
        {
            var list = await faults.ListAsync(caller, Endpoint.Text(c, "device"), Endpoint.Text(c, "filter"), Endpoint.PageSize(c), c.RequestAborted).ConfigureAwait(false);
            var channels = await faults.ListChannelFaultsAsync(caller, Endpoint.Text(c, "device"), Endpoint.Text(c, "filter"), Endpoint.PageSize(c), c.RequestAborted).ConfigureAwait(false);
            return ApiJson.Ok(new JsonObject
            {
                ["faults"] = new JsonArray([.. list.Select(f => (JsonNode)ApiJson.Task(f))]),
                ["channelFaults"] = new JsonArray([.. channels.Select(f => (JsonNode)ProvisioningJson.ChannelFault(f))]),
            });
        })));
        api.MapDelete("/faults/{taskId:long}", (HttpContext c, long taskId) => Endpoint.Run(c, Permission.WriteFaults, async caller =>
        {
            await faults.ClearAsync(caller, taskId, c.RequestAborted).ConfigureAwait(false);
            return Results.NoContent();
        }));
        api.MapDelete("/faults/{deviceId}/{channel}", (HttpContext c, string deviceId, string channel) => Endpoint.Run(c, Permission.WriteFaults, async caller =>
        {
            await faults.ClearChannelFaultAsync(caller, deviceId, channel, c.RequestAborted).ConfigureAwait(false);
            return Results.NoContent();
        }));
    }
}
