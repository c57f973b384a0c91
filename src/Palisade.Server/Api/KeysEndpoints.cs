using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Palisade.Acs.Access;

namespace Palisade.Server.Api;

/// <summary><c>/keys</c>: list, create (the token is shown once), revoke.</summary>
internal static class KeysEndpoints
{
    public static void Map(RouteGroupBuilder api, AccessService access)
    {
        api.MapGet("/keys", (Delegate)((HttpContext c) => Endpoint.Run(c, Permission.ManageKeys, async caller =>
        {
            var keys = await access.ListKeysAsync(caller, c.RequestAborted).ConfigureAwait(false);
            return ApiJson.Ok(new JsonObject { ["keys"] = new JsonArray([.. keys.Select(k => (JsonNode)ApiJson.Key(k))]) });
        })));
        api.MapPost("/keys", (Delegate)((HttpContext c) => Endpoint.Run(c, Permission.ManageKeys, async caller =>
        {
            var (token, record) = await access.CreateKeyAsync(caller, await Endpoint.ReadJsonAsync(c).ConfigureAwait(false), c.RequestAborted).ConfigureAwait(false);
            var result = ApiJson.Key(record);
            result["key"] = token;
            return ApiJson.Ok(result, 201);
        })));
        api.MapDelete("/keys/{keyId}", (HttpContext c, string keyId) => Endpoint.Run(c, Permission.ManageKeys, async caller =>
        {
            await access.RevokeKeyAsync(caller, keyId, c.RequestAborted).ConfigureAwait(false);
            return Results.NoContent();
        }));
    }
}
