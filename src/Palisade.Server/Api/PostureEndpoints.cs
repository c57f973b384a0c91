using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Palisade.Acs.Access;
using Palisade.Acs.Posture;

namespace Palisade.Server.Api;

/// <summary><c>/posture</c>: the fleet's weaknesses, each with the link that lists its devices.</summary>
internal static class PostureEndpoints
{
    public static void Map(RouteGroupBuilder api, PostureService posture)
    {
        api.MapGet("/posture", (Delegate)((HttpContext c) => Endpoint.Run(c, Permission.ReadDevices, async caller =>
        {
            var items = await posture.ComputeAsync(caller, Endpoint.Text(c, "minFirmware"), c.RequestAborted).ConfigureAwait(false);
            return ApiJson.Ok(new JsonObject
            {
                ["items"] = new JsonArray([.. items.Select(i => (JsonNode)new JsonObject
                {
                    ["id"] = i.Id,
                    ["severity"] = i.Severity,
                    ["title"] = i.Title,
                    ["devices"] = i.Devices,
                    ["filter"] = i.Filter,
                    ["list"] = "/api/v1/devices?filter=" + Uri.EscapeDataString(i.Filter),
                    ["remedy"] = i.Remedy,
                    ["remedyTask"] = i.RemedyTask is { } task ? JsonNode.Parse(task) : null,
                })]),
            });
        })));
    }
}
