using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Palisade.Acs.Services;

namespace Palisade.Server.Api;

/// <summary>RFC 9457 problem documents: a title, the status and a detail that says what to do. Never internals.</summary>
internal static class Problems
{
    public static IResult Of(int status, string title, string detail, string? field = null)
    {
        var body = new JsonObject
        {
            ["type"] = "about:blank",
            ["title"] = title,
            ["status"] = status,
            ["detail"] = detail,
        };
        if (field is not null)
        {
            body["field"] = field;
        }

        return Results.Text(body.ToJsonString(), "application/problem+json", System.Text.Encoding.UTF8, status);
    }

    /// <summary>Each reason is exactly one status.</summary>
    public static IResult From(ServiceException e)
    {
        ArgumentNullException.ThrowIfNull(e);
        var (status, title) = e.Reason switch
        {
            ServiceErrorReason.Invalid => (400, "Bad request"),
            ServiceErrorReason.Unauthenticated => (401, "Unauthorized"),
            ServiceErrorReason.Forbidden => (403, "Forbidden"),
            ServiceErrorReason.NotFound => (404, "Not found"),
            ServiceErrorReason.Conflict => (409, "Conflict"),
            ServiceErrorReason.TooMuchWork => (422, "Too much work"),
            _ => (429, "Too many requests"),
        };
        var result = Of(status, title, e.Message, e.Field);
        return e.RetryAfter is { } after ? new RetryAfterResult(result, after) : result;
    }

    public static IResult BadRequest(string detail) => Of(400, "Bad request", detail);

    public static IResult Unauthorized() => Of(401, "Unauthorized", "Send a valid API key or session token as 'Authorization: Bearer …'.");

    public static IResult Forbidden(string permission) => Of(403, "Forbidden", $"Your role does not include the permission '{permission}'.");

    public static IResult NotFound(string what) => Of(404, "Not found", $"No {what} with that id (or not within your scope).");

    private sealed class RetryAfterResult(IResult inner, TimeSpan after) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(after.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
            return inner.ExecuteAsync(httpContext);
        }
    }
}
