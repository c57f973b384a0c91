using System.Text.Json;
using Palisade.Acs.Services;

namespace Palisade.Acs.Campaigns;

/// <summary>
/// A campaign to create: <c>{"name":"fw 2.1.0","file":"fw-2.1.0.bin","filter":"DeviceInfo.ProductClass = \"HGW\"",
/// "start":true, …the plan's fields (<see cref="CampaignPlanJson"/>)}</c>.
/// </summary>
/// <param name="Name">1–100 printable characters.</param>
/// <param name="FileName">A firmware file in the file store.</param>
/// <param name="Filter">Which devices (Palisade's filter language, as in /api/v1/devices?filter=), or null for all (within the caller's scope).</param>
/// <param name="Plan">Stages, window, concurrency, success criteria, halt rules.</param>
/// <param name="Start">Start at once (true, the default) or stay a draft until resumed.</param>
public sealed record CampaignRequest(string Name, string FileName, string? Filter, CampaignPlan Plan, bool Start)
{
    /// <summary>The largest filter text taken.</summary>
    public const int MaxFilterLength = 4096;

    /// <summary>Parses a request body, every field checked.</summary>
    /// <exception cref="ServiceException">Invalid, naming the field.</exception>
    public static CampaignRequest Parse(JsonElement body)
    {
        var plan = CampaignPlanJson.Parse(body);
        var name = Text(body, "name", 100) ?? throw ServiceException.Invalid("name", "name is 1–100 printable characters.");
        var file = Text(body, "file", 200) ?? throw ServiceException.Invalid("file", "file names a firmware file of the file store (palisade files list).");
        var filter = Text(body, "filter", MaxFilterLength);
        var start = true;
        if (body.TryGetProperty("start", out var s) && s.ValueKind != JsonValueKind.Null)
        {
            start = s.ValueKind switch
            {
                JsonValueKind.True => true,
                JsonValueKind.False => false,
                _ => throw ServiceException.Invalid("start", "start is true or false."),
            };
        }

        return new CampaignRequest(name, file, filter, plan, start);
    }

    private static string? Text(JsonElement body, string field, int max)
    {
        if (!body.TryGetProperty(field, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        var text = value.ValueKind == JsonValueKind.String ? value.GetString() : null;
        if (string.IsNullOrWhiteSpace(text) || text.Length > max || text.Any(char.IsControl))
        {
            throw ServiceException.Invalid(field, $"{field} is 1–{max} printable characters.");
        }

        return text;
    }
}
