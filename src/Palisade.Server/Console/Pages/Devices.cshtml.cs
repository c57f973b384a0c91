using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Mvc;
using Palisade.Acs.Devices;
using Palisade.Acs.Query;
using Palisade.Acs.Services;
using Palisade.Acs.Tasks;

namespace Palisade.Server.Console.Pages;

/// <summary><c>/devices</c>: search with the filter language, columns, sort, paging, CSV export and bulk actions.</summary>
public sealed class DevicesPage : ConsolePage
{
    /// <summary>The built-in columns, in order, with their headings.</summary>
    public static readonly IReadOnlyList<(string Key, string Heading)> BuiltIn =
    [
        ("serialNumber", "Serial number"), ("productClass", "Product class"), ("manufacturer", "Manufacturer"), ("softwareVersion", "Software"),
        ("lastInform", "Last inform"), ("online", "Online"), ("remoteAddress", "IP address"), ("transport", "Transport"),
    ];

    private const int MaxBulk = 100_000;

    [BindProperty(SupportsGet = true)]
    public string? Filter { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Sort { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Cursor { get; set; }

    [BindProperty(SupportsGet = true)]
    public int Limit { get; set; } = 50;

    /// <summary>The built-in columns shown (none chosen: the default set).</summary>
    [BindProperty(SupportsGet = true)]
    public List<string> Columns { get; set; } = [];

    /// <summary>Parameter paths shown as extra columns, comma-separated.</summary>
    [BindProperty(SupportsGet = true)]
    public string? Parameters { get; set; }

    public Acs.Devices.DevicePage? Result { get; private set; }

    /// <summary>Where in the filter the parser stopped (0-based), when it refused it.</summary>
    public int? ErrorAt { get; private set; }

    /// <summary>A bulk action waiting for confirmation.</summary>
    public BulkAction? Pending { get; private set; }

    public IReadOnlyList<string> ParameterColumns => Parameters is null ? [] : [.. Parameters.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Take(16)];

    public IReadOnlyList<string> Shown => Columns.Count == 0 ? ["serialNumber", "productClass", "softwareVersion", "lastInform", "online", "remoteAddress"] : Columns;

    /// <summary>The list's query string without the cursor (for sorting, paging and export links).</summary>
    public string Query(string? sort = null, string? cursor = null, string? handler = null)
    {
        var q = new List<string>();
        void Add(string k, string? v)
        {
            if (!string.IsNullOrEmpty(v))
            {
                q.Add(k + "=" + Uri.EscapeDataString(v));
            }
        }

        Add("handler", handler);
        Add("filter", Filter);
        Add("sort", sort ?? Sort);
        Add("cursor", cursor);
        Add("limit", Limit == 50 ? null : Limit.ToString(CultureInfo.InvariantCulture));
        foreach (var c in Columns)
        {
            Add("columns", c);
        }

        Add("parameters", Parameters);
        return "/devices" + (q.Count == 0 ? string.Empty : "?" + string.Join('&', q));
    }

    public async Task OnGetAsync()
    {
        Title = "Devices";
        await LoadAsync().ConfigureAwait(false);
    }

    /// <summary>The signed-in user's saved searches (only theirs).</summary>
    public IReadOnlyList<Acs.SavedSearches.SavedSearch> Saved { get; private set; } = [];

    /// <summary>The list's query string as a saved search keeps it (no handler, no cursor, no leading <c>?</c>).</summary>
    public string SavedQuery => Query() is var q && q.IndexOf('?', StringComparison.Ordinal) is var i and >= 0 ? q[(i + 1)..] : string.Empty;

    private Acs.SavedSearches.SavedSearchService SavedSearches => (Acs.SavedSearches.SavedSearchService)HttpContext.RequestServices.GetService(typeof(Acs.SavedSearches.SavedSearchService))!;

    /// <summary>Saves the current search under a name, for this user only, and shows it.</summary>
    public Task<IActionResult> OnPostSaveSearchAsync([FromForm] string? searchName)
    {
        Title = "Devices";
        var query = SavedQuery;
        return ActAsync(
            async () =>
            {
                await SavedSearches.SaveAsync(Caller, searchName, query, HttpContext.RequestAborted).ConfigureAwait(false);
                return ($"Search saved as '{searchName?.Trim()}'.", Query());
            },
            LoadAsync);
    }

    /// <summary>Deletes one of this user's saved searches.</summary>
    public Task<IActionResult> OnPostDeleteSearchAsync([FromForm] string? searchName)
    {
        Title = "Devices";
        return ActAsync(
            async () =>
            {
                await SavedSearches.DeleteAsync(Caller, searchName, HttpContext.RequestAborted).ConfigureAwait(false);
                return ($"Saved search '{searchName}' deleted.", "/devices");
            },
            LoadAsync);
    }

    /// <summary>Every match as CSV, written a page at a time.</summary>
    public async Task<IActionResult> OnGetCsvAsync()
    {
        IReadOnlyList<string> projection;
        Acs.Query.Filter? filter;
        try
        {
            filter = Services.Devices.ParseExport(Caller, Filter, Parameters, out projection);
        }
        catch (ServiceException e)
        {
            Title = "Devices";
            Fail(e);
            return Page();
        }

        Response.ContentType = "text/csv; charset=utf-8";
        Response.Headers.ContentDisposition = "attachment; filename=\"devices.csv\"";
        await using var writer = new StreamWriter(Response.Body, new UTF8Encoding(false), 64 * 1024);
        await Services.Devices.WriteCsvAsync(filter, projection, writer, HttpContext.RequestAborted).ConfigureAwait(false);
        return new EmptyResult();
    }

    /// <summary>Shows how many devices a bulk action will touch and asks to confirm it.</summary>
    public async Task OnPostConfirmAsync([FromForm] BulkAction action)
    {
        ArgumentNullException.ThrowIfNull(action);
        Title = "Devices";
        if (await TryAsync(async () =>
            {
                Check(action);
                if (action.Kind == "campaign")
                {
                    // Counted as the campaign will choose them: the devices its filter matches within the caller's scope.
                    var filter = CampaignFilter(action);
                    if (filter?.Length > Acs.Campaigns.CampaignRequest.MaxFilterLength)
                    {
                        throw ServiceException.Invalid("selected", "The selected devices make a filter too long for a campaign; select fewer or use the filter instead.");
                    }

                    action.Count = (await Services.Devices.ListAsync(Caller, new DeviceQuery(filter, Limit: 1), HttpContext.RequestAborted).ConfigureAwait(false)).Total ?? 0;
                }
                else
                {
                    action.Count = action.ByFilter
                        ? (await Services.Devices.ListAsync(Caller, new DeviceQuery(Filter, Limit: 1), HttpContext.RequestAborted).ConfigureAwait(false)).Total ?? 0
                        : action.Selected.Count;
                }
            }).ConfigureAwait(false))
        {
            Pending = action;
        }

        await LoadAsync().ConfigureAwait(false);
    }

    /// <summary>Runs a confirmed bulk action through the services (which check the permission for each).</summary>
    public async Task OnPostApplyAsync([FromForm] BulkAction action)
    {
        ArgumentNullException.ThrowIfNull(action);
        Title = "Devices";
        await TryAsync(async () =>
        {
            Check(action);
            if (action.Kind == "campaign")
            {
                throw ServiceException.Invalid("action", "A campaign is created from the campaign form (Review… opens it).");
            }

            var ct = HttpContext.RequestAborted;
            int done;
            if (action.Kind == "tag")
            {
                if (action.ByFilter)
                {
                    done = await Services.Devices.SetTagBulkAsync(Caller, Filter, action.Tag!, !action.Remove, MaxBulk, ct).ConfigureAwait(false);
                }
                else
                {
                    foreach (var id in action.Selected)
                    {
                        await Services.Devices.SetTagAsync(Caller, id, action.Tag!, !action.Remove, ct).ConfigureAwait(false);
                    }

                    done = action.Selected.Count;
                }

                Message = string.Create(CultureInfo.InvariantCulture, $"Tag '{action.Tag}' {(action.Remove ? "removed from" : "added to")} {done} device(s).");
            }
            else
            {
                var body = TaskBody(action);
                if (action.ByFilter)
                {
                    done = (await Services.Tasks.CreateBulkAsync(Caller, Filter, new TaskRequest(body), ct).ConfigureAwait(false)).Created;
                }
                else
                {
                    foreach (var id in action.Selected)
                    {
                        await Services.Tasks.CreateAsync(Caller, id, new TaskRequest(body.DeepClone(), ConnectionRequest: true), ct).ConfigureAwait(false);
                    }

                    done = action.Selected.Count;
                }

                Message = string.Create(CultureInfo.InvariantCulture, $"Task {action.Task} queued for {done} device(s).");
            }
        }).ConfigureAwait(false);
        await LoadAsync().ConfigureAwait(false);
    }

    /// <summary>The first column of a device row: its link target.</summary>
    public static string Link(DeviceView d) => "/devices/" + Uri.EscapeDataString(d.Device.Id.ToString());

    /// <summary>A built-in column's text.</summary>
    public static string Cell(DeviceView d, string key) => key switch
    {
        "serialNumber" => d.Device.Id.SerialNumber,
        "productClass" => d.Device.Id.ProductClass,
        "manufacturer" => d.Device.Manufacturer,
        "softwareVersion" => d.Device.SoftwareVersion ?? string.Empty,
        "lastInform" => Time(d.Device.LastInformAt),
        "online" => d.Online ? "online" : "offline",
        "remoteAddress" => d.Device.RemoteAddress ?? string.Empty,
        "transport" => d.Device.Transport ?? string.Empty,
        _ => string.Empty,
    };

    /// <summary>A time as the console shows it: UTC, to the second.</summary>
    public static string Time(DateTimeOffset? t) => t?.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture) ?? "never";

    private static readonly HashSet<string> BulkTasks = ["reboot", "factoryReset", "refreshObject", "getParameterValues", "moveToHttps", "rotateCredentials", "scheduleInform"];

    private static void Check(BulkAction action)
    {
        if (action.Kind == "campaign")
        {
            if (!action.ByFilter && action.Selected.Count > Acs.Query.FilterParser.MaxTerms)
            {
                throw ServiceException.Invalid("selected", $"A campaign on selected devices takes at most {Acs.Query.FilterParser.MaxTerms} of them; use the filter instead.");
            }
        }
        else if (action.Kind == "tag" ? string.IsNullOrWhiteSpace(action.Tag) : action.Kind != "task" || action.Task is null || !BulkTasks.Contains(action.Task))
        {
            throw ServiceException.Invalid("action", "Choose a tag to add or remove, a task to queue, or a campaign to plan.");
        }

        // A browser sends only the ids of the rows it shows; an empty one names no device (and a campaign's filter
        // cannot be made of it).
        if (action.Selected.Any(string.IsNullOrWhiteSpace))
        {
            throw ServiceException.Invalid("selected", "A selected device id is empty.");
        }

        if (!action.ByFilter && action.Selected.Count == 0)
        {
            throw ServiceException.Invalid("selected", "Select at least one device, or apply the action to every device the filter matches.");
        }

        if (action.Selected.Count > 1000)
        {
            throw ServiceException.Invalid("selected", "At most 1000 devices can be selected; apply the action to the filter instead.");
        }
    }

    /// <summary>The devices of a bulk campaign as a filter: the list's own, or the selected ids.</summary>
    public string? CampaignFilter(BulkAction action)
    {
        ArgumentNullException.ThrowIfNull(action);
        return action.ByFilter ? Filter : string.Join(" OR ", action.Selected.Select(id => "id = " + FilterParser.Literal(id)));
    }

    private static JsonObject TaskBody(BulkAction action) => action.Task switch
    {
        "refreshObject" => new JsonObject { ["name"] = "refreshObject", ["objectName"] = action.Path ?? string.Empty },
        "getParameterValues" => new JsonObject { ["name"] = "getParameterValues", ["parameterNames"] = new JsonArray(action.Path ?? string.Empty) },
        "scheduleInform" => new JsonObject { ["name"] = "scheduleInform", ["delaySeconds"] = 0 },
        _ => new JsonObject { ["name"] = action.Task },
    };

    private async Task LoadAsync()
    {
        var query = new DeviceQuery(Filter, Sort, Cursor, Math.Clamp(Limit, 1, 1000), ParameterColumns.Count == 0 ? null : string.Join(',', ParameterColumns));
        try
        {
            Result = await Services.Devices.ListAsync(Caller, query, HttpContext.RequestAborted).ConfigureAwait(false);
            Saved = await SavedSearches.ListAsync(Caller, HttpContext.RequestAborted).ConfigureAwait(false);
        }
        catch (ServiceException e)
        {
            if (Message is null || !MessageIsError)
            {
                Fail(e);
            }

            if (e.Field == "filter")
            {
                try
                {
                    FilterParser.Parse(Filter, DateTimeOffset.UtcNow);
                }
                catch (FilterException f)
                {
                    ErrorAt = Math.Clamp(f.Position, 0, Filter?.Length ?? 0);
                }
            }
        }
    }
}
