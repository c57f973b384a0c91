using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Palisade.Acs.Campaigns;
using Palisade.Acs.Services;

namespace Palisade.Server.Console;

/// <summary>
/// The console's campaign form, field by field. It only translates the fields into the API's JSON body; every check
/// is <see cref="CampaignRequest.Parse"/>'s (the same as <c>POST /api/v1/campaigns</c>).
/// </summary>
public sealed class CampaignForm
{
    public string? Name { get; set; }

    /// <summary>The firmware file's name.</summary>
    public string? File { get; set; }

    public string? Filter { get; set; }

    /// <summary>Stages, comma-separated: <c>10%</c> (cumulative share) or <c>50</c> (devices the stage adds).</summary>
    public string? Stages { get; set; } = "1%, 10%, 100%";

    public double? SoakMinutes { get; set; } = 30;

    public int? WindowStart { get; set; }

    public int? WindowEnd { get; set; }

    public int? MaxConcurrency { get; set; } = 100;

    public double? ReturnWithinMinutes { get; set; } = 30;

    public int? MaxFailures { get; set; }

    public double? MaxFailurePercent { get; set; } = 5;

    /// <summary>True to start at once; false to keep a draft.</summary>
    public bool Start { get; set; } = true;

    /// <summary>The request the form describes; throws the parser's refusal, naming the field.</summary>
    public CampaignRequest ToRequest()
    {
        // JSON has no NaN or infinity (the model binder takes "NaN"): refused here, named like the parser names them.
        Finite(SoakMinutes, "soakMinutes");
        Finite(ReturnWithinMinutes, "returnWithinMinutes");
        Finite(MaxFailurePercent, "halt.maxFailurePercent");
        var stages = new JsonArray();
        foreach (var part in (Stages ?? string.Empty).Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Take(CampaignPlanJson.MaxStages + 1))
        {
            var stage = new JsonObject();
            if (part.EndsWith('%') && double.TryParse(part[..^1], NumberStyles.Float, CultureInfo.InvariantCulture, out var percent) && double.IsFinite(percent))
            {
                stage["percent"] = percent;
            }
            else if (int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out var count))
            {
                stage["count"] = count;
            }
            else
            {
                throw ServiceException.Invalid("stages", "Each stage is a cumulative share like 10% or a number of devices like 50, separated by commas.");
            }

            if (SoakMinutes is { } soak)
            {
                stage["soakMinutes"] = soak;
            }

            stages.Add(stage);
        }

        var body = new JsonObject
        {
            ["name"] = Name,
            ["file"] = File,
            ["filter"] = string.IsNullOrWhiteSpace(Filter) ? null : Filter,
            ["stages"] = stages,
            ["maxConcurrency"] = MaxConcurrency,
            ["returnWithinMinutes"] = ReturnWithinMinutes,
            ["start"] = Start,
        };
        if (WindowStart is not null || WindowEnd is not null)
        {
            body["window"] = new JsonObject { ["startHour"] = WindowStart, ["endHour"] = WindowEnd };
        }

        if (MaxFailures is not null || MaxFailurePercent is not null)
        {
            body["halt"] = new JsonObject { ["maxFailures"] = MaxFailures, ["maxFailurePercent"] = MaxFailurePercent };
        }

        using var document = JsonDocument.Parse(body.ToJsonString());
        return CampaignRequest.Parse(document.RootElement);
    }

    private static void Finite(double? value, string field)
    {
        if (value is { } v && !double.IsFinite(v))
        {
            throw ServiceException.Invalid(field, field + " is a number.");
        }
    }
}
