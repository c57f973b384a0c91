using System.Text.Json.Nodes;
using Palisade.Acs.Access;
using Palisade.Acs.Devices;
using Palisade.Acs.Storage;

namespace Palisade.Server.Api;

/// <summary>The API's JSON shapes. Credentials (HA1s, connection-request passwords) never appear.</summary>
internal static class ApiJson
{
    public static JsonObject Device(DeviceView view)
    {
        var (d, online, tags, parameters) = (view.Device, view.Online, view.Tags, view.Parameters);
        var o = new JsonObject
        {
            ["id"] = d.Id.ToString(),
            ["oui"] = d.Id.Oui,
            ["productClass"] = d.Id.ProductClass,
            ["serialNumber"] = d.Id.SerialNumber,
            ["manufacturer"] = d.Manufacturer,
            ["registered"] = d.RegisteredAt,
            ["lastInform"] = d.LastInformAt,
            ["lastBoot"] = d.LastBootAt,
            ["lastBootstrap"] = d.LastBootstrapAt,
            ["events"] = new JsonArray([.. d.LastEvents.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(e => (JsonNode)JsonValue.Create(e)!)]),
            ["online"] = online,
            ["cwmpVersion"] = d.CwmpVersion,
            ["remoteAddress"] = d.RemoteAddress,
            ["transport"] = d.Transport,
            ["authMethod"] = d.AuthMethod,
            ["enrolled"] = d.Credentials.Enrolled,
            ["softwareVersion"] = d.SoftwareVersion,
            ["dataModel"] = d.DataModelRoot,
            ["acsUrl"] = d.AcsUrl,
            ["acsUrlSet"] = d.AcsUrlSetAt,
            ["bootstrapExpected"] = d.BootstrapExpected,
            ["periodicInformInterval"] = d.PeriodicInformInterval,
            ["connectionRequestUrl"] = d.ConnectionRequest?.Url,
            ["udpConnectionRequestAddress"] = d.ConnectionRequest?.UdpAddress,
        };
        if (tags is not null)
        {
            o["tags"] = new JsonArray([.. tags.Select(t => (JsonNode)JsonValue.Create(t)!)]);
        }

        if (parameters is not null)
        {
            var p = new JsonObject();
            foreach (var c in parameters)
            {
                p[c.Path] = new JsonObject
                {
                    ["value"] = c.Value,
                    ["type"] = c.Type,
                    ["writable"] = c.Writable,
                    ["notification"] = c.Notification,
                    ["accessList"] = c.AccessList,
                    ["readAt"] = c.ReadAt,
                };
            }

            o["parameters"] = p;
        }

        return o;
    }

    public static JsonObject Task(DeviceTask t)
    {
        var o = new JsonObject
        {
            ["id"] = t.Id,
            ["device"] = t.DeviceId.ToString(),
            ["name"] = t.Name,
            ["status"] = t.Status.ToString().ToLowerInvariant(),
            ["created"] = t.CreatedAt,
            ["expires"] = t.ExpiresAt,
            ["updated"] = t.UpdatedAt,
            ["attempts"] = t.Attempts,
            ["task"] = JsonNode.Parse(t.Payload),
        };
        if (t.Result is not null)
        {
            o["result"] = JsonNode.Parse(t.Result);
        }

        if (t.Fault is { } f)
        {
            o["fault"] = new JsonObject
            {
                ["code"] = f.Code,
                ["message"] = f.Message,
                ["detail"] = f.Detail is null ? null : (f.Detail.StartsWith('{') ? JsonNode.Parse(f.Detail) : JsonValue.Create(f.Detail)),
            };
        }

        return o;
    }

    public static JsonObject Key(ApiKeyRecord k) => new()
    {
        ["id"] = k.Id,
        ["name"] = k.Name,
        ["role"] = k.Role,
        ["deviceFilter"] = k.DeviceFilter,
        ["created"] = k.CreatedAt,
        ["expires"] = k.ExpiresAt,
        ["revoked"] = k.RevokedAt,
        ["createdBy"] = k.CreatedBy,
    };

    public static JsonObject Audit(AuditEntry e) => new()
    {
        ["seq"] = e.Seq,
        ["at"] = e.At,
        ["actor"] = e.Actor,
        ["source"] = e.Source,
        ["action"] = e.Action,
        ["target"] = e.Target,
        ["detail"] = e.Detail,
        ["hash"] = e.Hash,
    };

    /// <summary>
    /// A connection request's outcome: reached, sent-udp, sent-xmpp or unreachable, a fixed reason, and each way tried
    /// (<c>attempts</c>: <c>via</c> http/udp/xmpp and its reason), never what the target answered.
    /// </summary>
    public static JsonObject ConnectionRequest(Acs.ConnectionRequests.ConnectionRequestOutcome o)
    {
        var attempts = new JsonArray();
        foreach (var a in o.Attempts)
        {
            attempts.Add(new JsonObject { ["via"] = Kebab(a.Via.ToString()), ["reason"] = Kebab(a.Reason.ToString()) });
        }

        return new JsonObject
        {
            ["result"] = Kebab(o.Result.ToString()),
            ["reason"] = Kebab(o.Reason.ToString()),
            ["attempts"] = attempts,
        };
    }

    private static string Kebab(string name) => System.Text.Json.JsonNamingPolicy.KebabCaseLower.ConvertName(name);

    public static Microsoft.AspNetCore.Http.IResult Ok(JsonNode node, int status = 200) =>
        Microsoft.AspNetCore.Http.Results.Text(node.ToJsonString(), "application/json", System.Text.Encoding.UTF8, status);
}
