using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Palisade.Acs.Access;
using Palisade.Acs.Audit;

namespace Palisade.Server.Api;

/// <summary><c>/audit</c>: list entries, verify the chain.</summary>
internal static class AuditEndpoints
{
    public static void Map(RouteGroupBuilder api, AuditService audit)
    {
        api.MapGet("/audit", (Delegate)((HttpContext c) => Endpoint.Run(c, Permission.ReadAudit, async caller =>
        {
            long? before = long.TryParse(c.Request.Query["before"], NumberStyles.None, CultureInfo.InvariantCulture, out var b) ? b : null;
            var entries = await audit.ListAsync(caller, before, Endpoint.PageSize(c), c.RequestAborted).ConfigureAwait(false);
            return ApiJson.Ok(new JsonObject { ["entries"] = new JsonArray([.. entries.Select(e => (JsonNode)ApiJson.Audit(e))]) });
        })));
        api.MapGet("/audit/verify", (Delegate)((HttpContext c) => Endpoint.Run(c, Permission.ReadAudit, async caller =>
        {
            var v = await audit.VerifyAsync(caller, Endpoint.Text(c, "expect"), c.RequestAborted).ConfigureAwait(false);
            return ApiJson.Ok(new JsonObject { ["intact"] = v.Intact, ["entries"] = v.Entries, ["firstBadSeq"] = v.FirstBadSeq, ["problem"] = v.Problem, ["checkpoint"] = v.Head?.ToString() });
        })));
    }
}
