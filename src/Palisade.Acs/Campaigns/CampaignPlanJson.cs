using System.Globalization;
using System.Text.Json;
using Palisade.Acs.Services;

namespace Palisade.Acs.Campaigns;

/// <summary>
/// A campaign's plan as JSON, the shape the API takes and the stores keep:
/// <c>{"stages":[{"percent":1,"soakMinutes":30},{"count":500,"soakMinutes":60},{"percent":100}],
/// "window":{"startHour":1,"endHour":5},"maxConcurrency":50,"returnWithinMinutes":30,"halt":{"maxFailures":3,"maxFailurePercent":5}}</c>.
/// Parsing checks every bound and names the field at fault.
/// </summary>
public static class CampaignPlanJson
{
    /// <summary>At most this many stages.</summary>
    public const int MaxStages = 10;

    /// <summary>At most this many devices in progress at once.</summary>
    public const int MaxConcurrency = 10_000;

    /// <summary>The longest soak or return time: 30 days.</summary>
    public static readonly TimeSpan MaxDuration = TimeSpan.FromDays(30);

    /// <summary>Writes <paramref name="plan"/> as one JSON object.</summary>
    public static void Write(Utf8JsonWriter json, CampaignPlan plan)
    {
        ArgumentNullException.ThrowIfNull(json);
        ArgumentNullException.ThrowIfNull(plan);
        json.WriteStartObject();
        json.WriteStartArray("stages");
        foreach (var stage in plan.Stages)
        {
            json.WriteStartObject();
            if (stage.Percent is { } p)
            {
                json.WriteNumber("percent", p);
            }

            if (stage.Count is { } c)
            {
                json.WriteNumber("count", c);
            }

            json.WriteNumber("soakMinutes", stage.Soak.TotalMinutes);
            json.WriteEndObject();
        }

        json.WriteEndArray();
        if (plan.Window is { } window)
        {
            json.WriteStartObject("window");
            json.WriteNumber("startHour", window.StartHour);
            json.WriteNumber("endHour", window.EndHour);
            json.WriteEndObject();
        }

        json.WriteNumber("maxConcurrency", plan.MaxConcurrency);
        json.WriteNumber("returnWithinMinutes", plan.ReturnWithin.TotalMinutes);
        json.WriteStartObject("halt");
        if (plan.MaxFailures is { } n)
        {
            json.WriteNumber("maxFailures", n);
        }

        if (plan.MaxFailurePercent is { } x)
        {
            json.WriteNumber("maxFailurePercent", x);
        }

        json.WriteEndObject();
        json.WriteEndObject();
    }

    /// <summary>The plan as a JSON text.</summary>
    public static string Serialize(CampaignPlan plan)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            Write(json, plan);
        }

        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>A plan from its JSON text (as stored).</summary>
    public static CampaignPlan Parse(string text)
    {
        using var document = JsonDocument.Parse(text);
        return Parse(document.RootElement);
    }

    /// <summary>A plan from a JSON object, every bound checked.</summary>
    /// <exception cref="ServiceException">Invalid, naming the field.</exception>
    public static CampaignPlan Parse(JsonElement plan)
    {
        if (plan.ValueKind != JsonValueKind.Object)
        {
            throw ServiceException.Invalid("plan", "A campaign is a JSON object.");
        }

        if (!plan.TryGetProperty("stages", out var stagesElement) || stagesElement.ValueKind != JsonValueKind.Array || stagesElement.GetArrayLength() is 0 or > MaxStages)
        {
            throw ServiceException.Invalid("stages", $"stages is an array of 1–{MaxStages} stages, the canary first: {{\"percent\":1,\"soakMinutes\":30}} or {{\"count\":50,\"soakMinutes\":30}}.");
        }

        var stages = new List<CampaignStage>();
        double lastPercent = 0;
        foreach (var stage in stagesElement.EnumerateArray())
        {
            var field = "stages[" + stages.Count.ToString(CultureInfo.InvariantCulture) + "]";
            if (stage.ValueKind != JsonValueKind.Object)
            {
                throw ServiceException.Invalid(field, field + " is an object.");
            }

            var percent = Number(stage, "percent", field + ".percent", 0.001, 100);
            var count = WholeNumber(stage, "count", field + ".count", 1, 10_000_000, "devices");
            if ((percent is null) == (count is null))
            {
                throw ServiceException.Invalid(field, field + " has either a percent (cumulative, up to 100) or a count (devices it adds).");
            }

            if (percent is { } p)
            {
                if (p < lastPercent)
                {
                    throw ServiceException.Invalid(field + ".percent", "Percents are cumulative: each is at least the one before.");
                }

                lastPercent = p;
            }

            var soak = Minutes(stage, "soakMinutes", field + ".soakMinutes") ?? TimeSpan.Zero;
            stages.Add(new CampaignStage(percent, count, soak));
        }

        CampaignWindow? window = null;
        if (plan.TryGetProperty("window", out var w) && w.ValueKind != JsonValueKind.Null)
        {
            var start = w.ValueKind == JsonValueKind.Object ? Number(w, "startHour", "window.startHour", 0, 23) : null;
            var end = w.ValueKind == JsonValueKind.Object ? Number(w, "endHour", "window.endHour", 0, 24) : null;
            if (start is null || end is null || start != Math.Floor(start.Value) || end != Math.Floor(end.Value) || start == end)
            {
                throw ServiceException.Invalid("window", "window is {\"startHour\":H,\"endHour\":H} in whole UTC hours (0–23, 0–24), start ≠ end; it wraps midnight when end < start.");
            }

            window = new CampaignWindow((int)start, (int)end);
        }

        var concurrency = Number(plan, "maxConcurrency", "maxConcurrency", 1, MaxConcurrency) ?? 100;
        if (concurrency != Math.Floor(concurrency))
        {
            throw ServiceException.Invalid("maxConcurrency", "maxConcurrency is a whole number.");
        }

        var returnWithin = Minutes(plan, "returnWithinMinutes", "returnWithinMinutes") ?? TimeSpan.FromMinutes(30);
        if (returnWithin <= TimeSpan.Zero)
        {
            throw ServiceException.Invalid("returnWithinMinutes", "returnWithinMinutes is more than 0.");
        }

        int? maxFailures = null;
        double? maxPercent = null;
        if (plan.TryGetProperty("halt", out var halt) && halt.ValueKind != JsonValueKind.Null)
        {
            if (halt.ValueKind != JsonValueKind.Object)
            {
                throw ServiceException.Invalid("halt", "halt is {\"maxFailures\":N,\"maxFailurePercent\":X}.");
            }

            maxFailures = WholeNumber(halt, "maxFailures", "halt.maxFailures", 0, 10_000_000, "failures");
            maxPercent = Number(halt, "maxFailurePercent", "halt.maxFailurePercent", 0, 100);
        }

        return new CampaignPlan(stages, window, (int)concurrency, returnWithin, maxFailures, maxPercent);
    }

    private static double? Number(JsonElement parent, string name, string field, double min, double max)
    {
        if (!parent.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.Number || !value.TryGetDouble(out var number) || double.IsNaN(number) || number < min || number > max)
        {
            throw ServiceException.Invalid(field, string.Create(CultureInfo.InvariantCulture, $"{field} is a number from {min} to {max}."));
        }

        return number;
    }

    // A number of devices (or failures) is whole: 2.5 is refused, not cut to 2 (a stage of 0.5 devices would become
    // none, and a halt rule quietly stricter than the one written).
    private static int? WholeNumber(JsonElement parent, string name, string field, int min, int max, string what)
    {
        if (Number(parent, name, field, min, max) is not { } number)
        {
            return null;
        }

        return number == Math.Floor(number)
            ? (int)number
            : throw ServiceException.Invalid(field, string.Create(CultureInfo.InvariantCulture, $"{field} is a whole number of {what} ({min} to {max}), not {number}."));
    }

    private static TimeSpan? Minutes(JsonElement parent, string name, string field) =>
        Number(parent, name, field, 0, MaxDuration.TotalMinutes) is { } minutes ? TimeSpan.FromMinutes(minutes) : null;
}
