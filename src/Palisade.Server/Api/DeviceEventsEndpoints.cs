using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Palisade.Acs.Access;
using Palisade.Acs.Devices;

namespace Palisade.Server.Api;

/// <summary><c>/devices/{id}/events</c>: the device's event history, newest first.</summary>
internal static class DeviceEventsEndpoints
{
    public static void Map(RouteGroupBuilder api, DeviceService devices) =>
        api.MapGet("/devices/{id}/events", (HttpContext c, string id) => Endpoint.Run(c, Permission.ReadDevices, async caller =>
        {
            var events = await devices.EventsAsync(caller, id, Endpoint.Int(c, "limit", DeviceEvent.MaxPerDevice, 1, DeviceEvent.MaxPerDevice), c.RequestAborted).ConfigureAwait(false);
            return ApiJson.Ok(new JsonObject
            {
                ["events"] = new JsonArray([.. events.Select(e => (JsonNode)new JsonObject
                {
                    ["at"] = e.At,
                    ["code"] = e.Code,
                    ["commandKey"] = e.CommandKey,
                    ["detail"] = e.Detail is null ? null : JsonNode.Parse(e.Detail),
                })]),
            });
        }));
}
