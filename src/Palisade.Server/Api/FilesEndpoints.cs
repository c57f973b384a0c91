using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;
using Palisade.Acs.Access;
using Palisade.Acs.Files;

namespace Palisade.Server.Api;

/// <summary>
/// <c>/files</c>: list, metadata, add (the body is the file; its type and version in headers, GenieACS's
/// <c>fileType</c>, <c>oui</c>, <c>productClass</c>, <c>version</c>, and <c>modelName</c>), delete, and an operator's
/// signature (<c>/files/{name}/signature</c>); <c>/devices/{id}/backups</c>: a device's configuration backups.
/// </summary>
internal static class FilesEndpoints
{
    public static void Map(RouteGroupBuilder api, FileService files)
    {
        api.MapGet("/files", (Delegate)((HttpContext c) => Endpoint.Run(c, Permission.ReadFiles, async caller =>
        {
            var list = await files.ListAsync(caller, Endpoint.Text(c, "after"), Endpoint.PageSize(c), c.RequestAborted).ConfigureAwait(false);
            return ApiJson.Ok(new JsonObject { ["files"] = new JsonArray([.. list.Select(f => (JsonNode)Json(f))]) });
        })));
        api.MapGet("/files/{name}", (HttpContext c, string name) => Endpoint.Run(c, Permission.ReadFiles, async caller =>
            ApiJson.Ok(Json(await files.GetAsync(caller, name, c.RequestAborted).ConfigureAwait(false)))));
        api.MapPut("/files/{name}", (HttpContext c, string name) => Endpoint.Run(c, Permission.WriteFiles, async caller =>
        {
            if (c.Request.ContentLength > files.Limits.MaxFileBytes)
            {
                return Problems.Of(413, "Payload too large", $"A file is at most {files.Limits.MaxFileBytes} bytes.", "body");
            }

            if (c.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } bound)
            {
                // Beyond the API's JSON bound: the service counts the bytes itself and stops at its own.
                bound.MaxRequestBodySize = files.Limits.MaxFileBytes + 1;
            }

            var file = new NewFile(name, Header(c, "fileType") ?? string.Empty, Header(c, "version") ?? string.Empty,
                Header(c, "oui"), Header(c, "productClass"), Header(c, "modelName"));
            var written = await files.AddAsync(caller, file, c.Request.Body, c.RequestAborted).ConfigureAwait(false);
            return ApiJson.Ok(Json(written.Value), written.Created ? 201 : 200);
        }));
        api.MapDelete("/files/{name}", (HttpContext c, string name) => Endpoint.Run(c, Permission.WriteFiles, async caller =>
        {
            await files.DeleteAsync(caller, name, c.RequestAborted).ConfigureAwait(false);
            return Results.NoContent();
        }));
        api.MapPut("/files/{name}/signature", (HttpContext c, string name) => Endpoint.Run(c, Permission.WriteFiles, async caller =>
        {
            using var buffer = new MemoryStream();
            var chunk = new byte[4096];
            int read;
            while ((read = await c.Request.Body.ReadAsync(chunk, c.RequestAborted).ConfigureAwait(false)) > 0)
            {
                if (buffer.Length + read > Palisade.Security.Signing.FileSignature.MaxDocumentBytes)
                {
                    return Problems.Of(413, "Payload too large", "A signature document is at most 4 KiB.", "body");
                }

                await buffer.WriteAsync(chunk.AsMemory(0, read), c.RequestAborted).ConfigureAwait(false);
            }

            return ApiJson.Ok(Json(await files.SetOperatorSignatureAsync(caller, name, buffer.ToArray(), c.RequestAborted).ConfigureAwait(false)));
        }));
        api.MapDelete("/files/{name}/signature", (HttpContext c, string name) => Endpoint.Run(c, Permission.WriteFiles, async caller =>
            ApiJson.Ok(Json(await files.SetOperatorSignatureAsync(caller, name, null, c.RequestAborted).ConfigureAwait(false)))));
        api.MapGet("/devices/{id}/backups", (HttpContext c, string id) => Endpoint.Run(c, Permission.ReadFiles, async caller =>
        {
            var list = await files.ListBackupsAsync(caller, id, c.RequestAborted).ConfigureAwait(false);
            return ApiJson.Ok(new JsonObject { ["backups"] = new JsonArray([.. list.Select(f => (JsonNode)Json(f))]) });
        }));
    }

    /// <summary>A file's metadata as the API shows it.</summary>
    public static JsonObject Json(StoredFile f) => new()
    {
        ["name"] = f.Name,
        ["fileType"] = f.FileType,
        ["version"] = f.Version,
        ["oui"] = f.Oui,
        ["productClass"] = f.ProductClass,
        ["modelName"] = f.ModelName,
        ["sha256"] = f.Sha256,
        ["size"] = f.Size,
        ["device"] = f.Device,
        ["created"] = f.CreatedAt.ToString("O", System.Globalization.CultureInfo.InvariantCulture),
        ["createdBy"] = f.CreatedBy,
        ["signature"] = JsonNode.Parse(f.Signature),
        ["operatorSignature"] = f.OperatorSignature is null ? null : JsonNode.Parse(f.OperatorSignature),
    };

    private static string? Header(HttpContext c, string name) => c.Request.Headers[name].ToString() is { Length: > 0 } v ? v : null;
}
