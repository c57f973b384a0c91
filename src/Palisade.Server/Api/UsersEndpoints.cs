using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Palisade.Acs.Access;

namespace Palisade.Server.Api;

/// <summary><c>/users</c>: create a user with a generated password, shown once.</summary>
internal static class UsersEndpoints
{
    public static void Map(RouteGroupBuilder api, AccessService access)
    {
        api.MapPost("/users", (Delegate)((HttpContext c) => Endpoint.Run(c, Permission.ManageUsers, async caller =>
        {
            var (user, password) = await access.CreateUserAsync(caller, await Endpoint.ReadJsonAsync(c).ConfigureAwait(false), c.RequestAborted).ConfigureAwait(false);
            return ApiJson.Ok(new JsonObject { ["name"] = user.Name, ["role"] = user.Role, ["password"] = password }, 201);
        })));
    }
}
