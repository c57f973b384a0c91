using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Palisade.Acs.Access;
using Palisade.Acs.Provisioning;
using Palisade.Acs.Services;

namespace Palisade.Server.Api;

/// <summary>
/// <c>/presets</c>, <c>/provisions</c>, <c>/virtual-parameters</c>: list, get, put, delete. A preset is GenieACS's JSON;
/// a script is its JavaScript as the body (or <c>{"script":"…"}</c> with a JSON content type).
/// </summary>
internal static class ProvisioningEndpoints
{
    public static void Map(RouteGroupBuilder api, ProvisioningService provisioning)
    {
        api.MapGet("/presets", (Delegate)((HttpContext c) => Endpoint.Run(c, Permission.ReadProvisioning, async caller =>
        {
            var presets = await provisioning.ListPresetsAsync(caller, c.RequestAborted).ConfigureAwait(false);
            return ApiJson.Ok(new JsonObject { ["presets"] = new JsonArray([.. presets.Select(p => (JsonNode)ProvisioningJson.Preset(p))]) });
        })));
        api.MapGet("/presets/{name}", (HttpContext c, string name) => Endpoint.Run(c, Permission.ReadProvisioning, async caller =>
            ApiJson.Ok(ProvisioningJson.Preset(await provisioning.GetPresetAsync(caller, name, c.RequestAborted).ConfigureAwait(false)))));
        api.MapPut("/presets/{name}", (HttpContext c, string name) => Endpoint.Run(c, Permission.WriteProvisioning, async caller =>
        {
            var written = await provisioning.PutPresetAsync(caller, name, await Endpoint.ReadJsonAsync(c).ConfigureAwait(false), c.RequestAborted).ConfigureAwait(false);
            return ApiJson.Ok(ProvisioningJson.Preset(written.Value), written.Created ? 201 : 200);
        }));
        api.MapDelete("/presets/{name}", (HttpContext c, string name) => Endpoint.Run(c, Permission.WriteProvisioning, async caller =>
        {
            await provisioning.DeletePresetAsync(caller, name, c.RequestAborted).ConfigureAwait(false);
            return Results.NoContent();
        }));

        MapScripts(api, provisioning, "/provisions", "provisions", ScriptKind.Provision);
        MapScripts(api, provisioning, "/virtual-parameters", "virtualParameters", ScriptKind.VirtualParameter);
    }

    private static void MapScripts(RouteGroupBuilder api, ProvisioningService provisioning, string route, string listName, ScriptKind kind)
    {
        api.MapGet(route, (Delegate)((HttpContext c) => Endpoint.Run(c, Permission.ReadProvisioning, async caller =>
        {
            var scripts = await provisioning.ListScriptsAsync(caller, kind, c.RequestAborted).ConfigureAwait(false);
            var withBody = Endpoint.Flag(c, "scripts");
            return ApiJson.Ok(new JsonObject { [listName] = new JsonArray([.. scripts.Select(s => (JsonNode)ProvisioningJson.Script(s, withBody))]) });
        })));
        api.MapGet(route + "/{name}", (HttpContext c, string name) => Endpoint.Run(c, Permission.ReadProvisioning, async caller =>
        {
            var script = await provisioning.GetScriptAsync(caller, kind, name, c.RequestAborted).ConfigureAwait(false);
            return Endpoint.Flag(c, "raw")
                ? Results.Text(script.Body, "text/javascript", Encoding.UTF8)
                : ApiJson.Ok(ProvisioningJson.Script(script, withBody: true));
        }));
        api.MapPut(route + "/{name}", (HttpContext c, string name) => Endpoint.Run(c, Permission.WriteProvisioning, async caller =>
        {
            var body = await ReadScriptAsync(c, provisioning.Limits.MaxScriptChars).ConfigureAwait(false);
            var written = await provisioning.PutScriptAsync(caller, kind, name, body, c.RequestAborted).ConfigureAwait(false);
            return ApiJson.Ok(ProvisioningJson.Script(written.Value, withBody: false), written.Created ? 201 : 200);
        }));
        api.MapDelete(route + "/{name}", (HttpContext c, string name) => Endpoint.Run(c, Permission.WriteProvisioning, async caller =>
        {
            await provisioning.DeleteScriptAsync(caller, kind, name, c.RequestAborted).ConfigureAwait(false);
            return Results.NoContent();
        }));
    }

    // The body as UTF-8 text, read within a bound (a script is at most MaxScriptChars characters, so at most four times
    // as many bytes); with a JSON content type, the "script" field of the object sent.
    private static async Task<string> ReadScriptAsync(HttpContext c, int maxChars)
    {
        var maxBytes = (long)maxChars * 4;
        if (c.Request.ContentLength > maxBytes)
        {
            throw ServiceException.Invalid("body", $"A script is at most {maxChars} characters.");
        }

        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await c.Request.Body.ReadAsync(chunk, c.RequestAborted).ConfigureAwait(false)) > 0)
        {
            if (buffer.Length + read > maxBytes)
            {
                throw ServiceException.Invalid("body", $"A script is at most {maxChars} characters.");
            }

            await buffer.WriteAsync(chunk.AsMemory(0, read), c.RequestAborted).ConfigureAwait(false);
        }

        string text;
        try
        {
            text = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
        }
        catch (DecoderFallbackException)
        {
            throw ServiceException.Invalid("body", "A script is UTF-8 text.");
        }

        if (c.Request.ContentType?.StartsWith("application/json", StringComparison.OrdinalIgnoreCase) == true)
        {
            var node = StrictJson.Parse(text, new JsonDocumentOptions { MaxDepth = 8, AllowDuplicateProperties = false });
            return node is JsonObject { } o && o["script"] is JsonValue v && v.GetValueKind() == JsonValueKind.String
                ? v.GetValue<string>()
                : throw ServiceException.Invalid("script", "With a JSON body, send {\"script\":\"…\"}; or send the JavaScript itself as text/javascript.");
        }

        return text;
    }
}
