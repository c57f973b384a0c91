using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Palisade.Acs.Access;
using Palisade.Acs.Services;
using Palisade.Acs.Storage;

namespace Palisade.Server.Api;

/// <summary>What every endpoint does around its service call: find the caller, check the route's permission, map errors.</summary>
internal static class Endpoint
{
    /// <summary>Where the API's middleware puts its <see cref="ApiLimits"/> for the endpoints.</summary>
    public const string LimitsKey = "palisade.limits";

    // Every route: authenticate, check the permission, run; a refusal never tells more than it must.
    public static async Task<IResult> Run(HttpContext context, Permission permission, Func<Caller, Task<IResult>> action)
    {
        if (context.Items[ApiAuthentication.CallerKey] is not Caller caller)
        {
            return Problems.Unauthorized();
        }

        if (!caller.Can(permission))
        {
            return Problems.Forbidden(Roles.Name(permission));
        }

        return await Guarded(() => action(caller)).ConfigureAwait(false);
    }

    /// <summary>Maps the services' one exception, a malformed body and a store refusal to their statuses.</summary>
    public static async Task<IResult> Guarded(Func<Task<IResult>> action)
    {
        try
        {
            return await action().ConfigureAwait(false);
        }
        catch (ServiceException e)
        {
            return Problems.From(e);
        }
        catch (JsonException)
        {
            return Problems.Of(400, "Bad request", "The body is not valid JSON (at most 1 MiB, 32 levels, each name once).", "body");
        }
        catch (StoreException e) when (e.Reason == StoreErrorReason.Rejected)
        {
            return Problems.Of(409, "Conflict", "The store refused the change; nothing was written.");
        }
    }

    /// <summary>The request body as JSON (at most <see cref="ApiLimits.MaxBodyBytes"/>, <see cref="ApiLimits.MaxJsonDepth"/> levels, no name twice), or null when empty.</summary>
    public static async Task<JsonNode?> ReadJsonAsync(HttpContext c)
    {
        var limits = Limits(c);
        if (c.Request.ContentLength > limits.MaxBodyBytes)
        {
            throw new JsonException("too large");
        }

        using var buffer = new MemoryStream();
        await c.Request.Body.CopyToAsync(buffer, c.RequestAborted).ConfigureAwait(false);
        if (buffer.Length > limits.MaxBodyBytes)
        {
            throw new JsonException("too large");
        }

        // A name given twice is refused here: JsonObject would otherwise throw its own exception at first use.
        return buffer.Length == 0 ? null : StrictJson.Parse(buffer.ToArray(), new JsonDocumentOptions { MaxDepth = limits.MaxJsonDepth, AllowDuplicateProperties = false });
    }

    /// <summary>The <c>limit</c> query value: a page size within <see cref="ApiLimits.MaxPageSize"/>, <see cref="ApiLimits.DefaultPageSize"/> when absent.</summary>
    public static int PageSize(HttpContext c)
    {
        var limits = Limits(c);
        return Int(c, "limit", limits.DefaultPageSize, 1, limits.MaxPageSize);
    }

    private static ApiLimits Limits(HttpContext c) => (ApiLimits)c.Items[LimitsKey]!;

    /// <summary>An integer query value in range; the fallback when absent; a 400 naming the field otherwise.</summary>
    public static int Int(HttpContext c, string field, int fallback, int min, int max)
    {
        var text = c.Request.Query[field].ToString();
        return string.IsNullOrEmpty(text) ? fallback
            : int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var v) && v >= min && v <= max ? v
            : throw ServiceException.Invalid(field, $"{field} must be a whole number from {min} to {max}.");
    }

    /// <summary>A query flag: true, 1 or yes.</summary>
    public static bool Flag(HttpContext c, string field) => c.Request.Query[field].ToString() is "true" or "1" or "yes";

    /// <summary>A query value, or null when absent or empty.</summary>
    public static string? Text(HttpContext c, string field) => c.Request.Query[field].ToString() is { Length: > 0 } v ? v : null;
}
