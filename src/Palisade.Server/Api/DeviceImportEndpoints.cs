using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;
using Palisade.Acs.Access;
using Palisade.Acs.FactoryCredentials;
using Palisade.Acs.Services;

namespace Palisade.Server.Api;

/// <summary><c>POST /devices/import</c>: devices with factory credentials, from a CSV body (<see cref="FactoryCredentialFile"/>).</summary>
internal static class DeviceImportEndpoints
{
    public static void Map(RouteGroupBuilder api, DeviceImportService import)
    {
        api.MapPost("/devices/import", (Delegate)((HttpContext c) => Endpoint.Run(c, Permission.WriteManagementServer, async caller =>
        {
            // A file of a whole fleet is larger than the API's usual body bound; this endpoint has its own.
            if (c.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size)
            {
                size.MaxRequestBodySize = DeviceImportService.MaxBytes;
            }

            if (c.Request.ContentLength > DeviceImportService.MaxBytes)
            {
                throw ServiceException.Invalid("file", $"The file is larger than {DeviceImportService.MaxBytes / (1024 * 1024)} MiB; split it.");
            }

            using var buffer = new MemoryStream();
            var chunk = new byte[64 * 1024];
            int read;
            while ((read = await c.Request.Body.ReadAsync(chunk, c.RequestAborted).ConfigureAwait(false)) > 0)
            {
                if (buffer.Length + read > DeviceImportService.MaxBytes)
                {
                    throw ServiceException.Invalid("file", $"The file is larger than {DeviceImportService.MaxBytes / (1024 * 1024)} MiB; split it.");
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
                throw ServiceException.Invalid("file", "The file is not valid UTF-8.");
            }

            var result = await import.ImportAsync(caller, text, c.RequestAborted).ConfigureAwait(false);
            return ApiJson.Ok(new JsonObject
            {
                ["imported"] = result.Imported,
                ["rotating"] = result.Rotating,
                ["neverRotated"] = result.Imported - result.Rotating,
            });
        })));
    }
}
