using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Palisade.Acs.Access;

namespace Palisade.Server.Api;

/// <summary><c>/login</c> and <c>/logout</c>: a user's name and password for a session token, and its end.</summary>
internal static class SessionsEndpoints
{
    public static void Map(RouteGroupBuilder api, SignInService signIn)
    {
        api.MapPost("/login", (Delegate)((HttpContext c) => Endpoint.Guarded(async () =>
        {
            var result = await signIn.LoginAsync(await Endpoint.ReadJsonAsync(c).ConfigureAwait(false), ApiAuthentication.Source(c), c.RequestAborted).ConfigureAwait(false);
            return ApiJson.Ok(new JsonObject { ["token"] = result.Token, ["expires"] = result.Expires, ["role"] = result.Role });
        })));
        api.MapPost("/logout", (Delegate)(async (HttpContext c) =>
            ApiAuthentication.Token(c) is { } token && await signIn.LogoutAsync(token, ApiAuthentication.Source(c)).ConfigureAwait(false)
                ? Results.NoContent()
                : Problems.Unauthorized()));
    }
}
