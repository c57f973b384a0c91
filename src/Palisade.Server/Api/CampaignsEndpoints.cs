using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Palisade.Acs.Access;
using Palisade.Acs.Campaigns;
using Palisade.Acs.Services;

namespace Palisade.Server.Api;

/// <summary>
/// <c>/campaigns</c>: create (POST, the API's JSON bound), list, one campaign with its progress, its devices
/// (<c>/campaigns/{id}/devices?state=failed</c>), and <c>pause</c>, <c>resume</c>, <c>abort</c>, <c>retry</c>.
/// Every rule is the CampaignService's.
/// </summary>
internal static class CampaignsEndpoints
{
    public static void Map(RouteGroupBuilder api, CampaignService campaigns)
    {
        api.MapPost("/campaigns", (Delegate)((HttpContext c) => Endpoint.Run(c, Permission.WriteFiles, async caller =>
        {
            var body = await Endpoint.ReadJsonAsync(c).ConfigureAwait(false) ?? throw ServiceException.Invalid("body", "Send the campaign as a JSON object.");
            using var document = JsonDocument.Parse(body.ToJsonString());
            var view = await campaigns.CreateAsync(caller, CampaignRequest.Parse(document.RootElement), c.RequestAborted).ConfigureAwait(false);
            return ApiJson.Ok(Json(view), 201);
        })));
        api.MapGet("/campaigns", (Delegate)((HttpContext c) => Endpoint.Run(c, Permission.ReadFiles, async caller =>
        {
            long? before = Endpoint.Text(c, "before") is { } text
                ? long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var b) ? b : throw ServiceException.Invalid("before", "before is a campaign id.")
                : null;
            var list = await campaigns.ListAsync(caller, before, Endpoint.PageSize(c), c.RequestAborted).ConfigureAwait(false);
            return ApiJson.Ok(new JsonObject { ["campaigns"] = new JsonArray([.. list.Select(x => (JsonNode)Json(x))]) });
        })));
        api.MapGet("/campaigns/{id:long}", (HttpContext c, long id) => Endpoint.Run(c, Permission.ReadFiles, async caller =>
            ApiJson.Ok(Json(await campaigns.GetAsync(caller, id, c.RequestAborted).ConfigureAwait(false)))));
        api.MapGet("/campaigns/{id:long}/devices", (HttpContext c, long id) => Endpoint.Run(c, Permission.ReadFiles, async caller =>
        {
            CampaignDeviceState? state = Endpoint.Text(c, "state") is { } s
                ? CampaignStates.ParseDevice(s) ?? throw ServiceException.Invalid("state", "state is pending, in-progress, succeeded or failed.")
                : null;
            var list = await campaigns.DevicesAsync(caller, id, state, Endpoint.Text(c, "after"), Endpoint.PageSize(c), c.RequestAborted).ConfigureAwait(false);
            return ApiJson.Ok(new JsonObject { ["devices"] = new JsonArray([.. list.Select(d => (JsonNode)Json(d))]) });
        }));
        api.MapPost("/campaigns/{id:long}/pause", (HttpContext c, long id) => Endpoint.Run(c, Permission.WriteFiles, async caller =>
            ApiJson.Ok(Json(await campaigns.PauseAsync(caller, id, c.RequestAborted).ConfigureAwait(false)))));
        api.MapPost("/campaigns/{id:long}/resume", (HttpContext c, long id) => Endpoint.Run(c, Permission.WriteFiles, async caller =>
            ApiJson.Ok(Json(await campaigns.ResumeAsync(caller, id, c.RequestAborted).ConfigureAwait(false)))));
        api.MapPost("/campaigns/{id:long}/abort", (HttpContext c, long id) => Endpoint.Run(c, Permission.WriteFiles, async caller =>
            ApiJson.Ok(Json(await campaigns.AbortAsync(caller, id, c.RequestAborted).ConfigureAwait(false)))));
        api.MapPost("/campaigns/{id:long}/retry", (HttpContext c, long id) => Endpoint.Run(c, Permission.WriteFiles, async caller =>
            ApiJson.Ok(Json(await campaigns.RetryAsync(caller, id, c.RequestAborted).ConfigureAwait(false)))));
    }

    /// <summary>A campaign without its progress (the list).</summary>
    public static JsonObject Json(Campaign x)
    {
        var plan = JsonNode.Parse(CampaignPlanJson.Serialize(x.Plan))!.AsObject();
        var json = new JsonObject
        {
            ["id"] = x.Id,
            ["name"] = x.Name,
            ["file"] = x.FileName,
            ["sha256"] = x.FileSha256,
            ["version"] = x.Version,
            ["filter"] = x.Filter,
            ["state"] = CampaignStates.Name(x.State),
            ["haltReason"] = x.HaltReason,
            ["stage"] = x.Stage + 1,
            ["created"] = x.CreatedAt.ToString("O", CultureInfo.InvariantCulture),
            ["createdBy"] = x.CreatedBy,
            ["updated"] = x.UpdatedAt.ToString("O", CultureInfo.InvariantCulture),
        };
        foreach (var (name, value) in plan.ToList())
        {
            plan.Remove(name);
            json[name] = value;
        }

        return json;
    }

    /// <summary>A campaign with its progress.</summary>
    public static JsonObject Json(CampaignView view)
    {
        ArgumentNullException.ThrowIfNull(view);
        var json = Json(view.Campaign);
        var p = view.Progress;
        json["progress"] = new JsonObject
        {
            ["targeted"] = p.Targeted,
            ["pending"] = p.Pending,
            ["inProgress"] = p.InProgress,
            ["succeeded"] = p.Succeeded,
            ["failed"] = p.Failed,
            ["failedByReason"] = new JsonObject([.. p.FailedByReason.Select(r => KeyValuePair.Create(r.Key, (JsonNode?)r.Value))]),
            ["stages"] = new JsonArray([.. p.Stages.Select(s => (JsonNode)new JsonObject
            {
                ["stage"] = s.Stage + 1,
                ["targeted"] = s.Targeted,
                ["pending"] = s.Pending,
                ["inProgress"] = s.InProgress,
                ["succeeded"] = s.Succeeded,
                ["failed"] = s.Failed,
                ["lastFinished"] = s.LastFinishedAt?.ToString("O", CultureInfo.InvariantCulture),
            })]),
        };
        return json;
    }

    private static JsonObject Json(CampaignDevice d) => new()
    {
        ["device"] = d.DeviceId,
        ["stage"] = d.Stage + 1,
        ["state"] = CampaignStates.Name(d.State),
        ["reason"] = d.Reason,
        ["task"] = d.TaskId,
        ["started"] = d.StartedAt?.ToString("O", CultureInfo.InvariantCulture),
        ["finished"] = d.FinishedAt?.ToString("O", CultureInfo.InvariantCulture),
    };
}
