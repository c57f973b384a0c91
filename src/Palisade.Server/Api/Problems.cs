using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace Palisade.Server.Api;

/// <summary>RFC 9457 problem documents: a title, the status and a detail that says what to do. Never internals.</summary>
internal static class Problems
{
    public static IResult Of(int status, string title, string detail)
    {
        var body = new JsonObject
        {
            ["type"] = "about:blank",
            ["title"] = title,
            ["status"] = status,
            ["detail"] = detail,
        };
        return Results.Text(body.ToJsonString(), "application/problem+json", System.Text.Encoding.UTF8, status);
    }

    public static IResult BadRequest(string detail) => Of(400, "Bad request", detail);

    public static IResult Unauthorized() => Of(401, "Unauthorized", "Send a valid API key or session token as 'Authorization: Bearer …'.");

    public static IResult Forbidden(string permission) => Of(403, "Forbidden", $"Your role does not include the permission '{permission}'.");

    public static IResult NotFound(string what) => Of(404, "Not found", $"No {what} with that id (or not within your scope).");
}
