using System.Text.Json.Nodes;
using Palisade.Acs.Provisioning;

namespace Palisade.Server.Api;

/// <summary>How presets, scripts and channel faults look in the API (GenieACS's shape for presets, plus who and when).</summary>
internal static class ProvisioningJson
{
    public static JsonObject Preset(StoredPreset p)
    {
        var o = JsonNode.Parse(p.Document)!.AsObject();
        var result = new JsonObject { ["name"] = p.Name };
        foreach (var (key, value) in o.ToList())
        {
            o.Remove(key);
            result[key] = value;
        }

        result["updated"] = p.UpdatedAt;
        result["updatedBy"] = p.UpdatedBy;
        return result;
    }

    public static JsonObject Script(StoredScript s, bool withBody) => new()
    {
        ["name"] = s.Name,
        ["script"] = withBody ? s.Body : null,
        ["sha256"] = s.Sha256,
        ["updated"] = s.UpdatedAt,
        ["updatedBy"] = s.UpdatedBy,
    };

    public static JsonObject ChannelFault(ChannelFault f) => new()
    {
        ["device"] = f.Device.ToString(),
        ["channel"] = f.Channel,
        ["code"] = f.Code,
        ["message"] = f.Message,
        ["detail"] = f.Detail,
        ["provisions"] = new JsonArray([.. f.Provisions.Select(p => (JsonNode)p)]),
        ["retries"] = f.Retries,
        ["timestamp"] = f.Timestamp,
        ["retryAt"] = f.RetryAt,
        ["expires"] = f.ExpiresAt,
    };
}
