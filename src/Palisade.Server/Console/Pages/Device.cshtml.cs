using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Mvc;
using Palisade.Acs.Devices;
using Palisade.Acs.Provisioning;
using Palisade.Acs.Storage;
using Palisade.Acs.Tasks;

namespace Palisade.Server.Console.Pages;

/// <summary>
/// <c>/devices/{id}</c>: identity, tags, the parameter tree (browse, search, edit, refresh, add and delete
/// instances), device actions, tasks (live), faults and the event history. Every action is a service call.
/// </summary>
public sealed class DeviceDetailPage : ConsolePage
{
    private const int WaitSeconds = 15;

    // The longest parameter name a device may report (the upper bound of DeviceLimits.MaxNameLength).
    private const int MaxPathLength = 1024;

    [BindProperty(SupportsGet = true)]
    public string Id { get; set; } = string.Empty;

    /// <summary>The object shown in the tree (ends with '.'), or null for the root.</summary>
    [BindProperty(SupportsGet = true)]
    public string? Path { get; set; }

    /// <summary>Text to find in parameter names under <see cref="Path"/>.</summary>
    [BindProperty(SupportsGet = true)]
    public string? Q { get; set; }

    public DeviceView? View { get; private set; }

    public IReadOnlyList<DeviceEvent> Events { get; private set; } = [];

    public IReadOnlyList<DeviceTask> Tasks { get; private set; } = [];

    public IReadOnlyList<DeviceTask> Faults { get; private set; } = [];

    public IReadOnlyList<ChannelFault> ChannelFaults { get; private set; } = [];

    /// <summary>The tree's level: child objects of <see cref="Path"/>.</summary>
    public IReadOnlyList<string> ChildObjects { get; private set; } = [];

    /// <summary>The tree's level: parameters directly under <see cref="Path"/>, or the search's matches.</summary>
    public IReadOnlyList<CachedParameter> Leaves { get; private set; } = [];

    /// <summary>True when the current object's children are numbered instances (a table one can add to).</summary>
    public bool IsTable { get; private set; }

    /// <summary>True when the current object is a numbered instance (one can delete it).</summary>
    public bool IsInstance => Path is { Length: > 1 } p && p.TrimEnd('.').Split('.')[^1].All(char.IsAsciiDigit);

    public string Self => "/devices/" + Uri.EscapeDataString(Id);

    public string TreeLink(string? path) => Self + (string.IsNullOrEmpty(path) ? string.Empty : "?path=" + Uri.EscapeDataString(path)) + "#tree";

    public async Task<IActionResult> OnGetAsync()
    {
        Title = "Device";
        if (!await TryAsync(LoadAsync).ConfigureAwait(false))
        {
            return Page();
        }

        Title = View!.Device.Id.SerialNumber;
        return Page();
    }

    /// <summary>The task list alone, for the live region.</summary>
    public async Task<IActionResult> OnGetTasksAsync()
    {
        Tasks = await Services.Tasks.ListAsync(Caller, Id, 50, HttpContext.RequestAborted).ConfigureAwait(false);
        return Partial("_DeviceTasks", this);
    }

    /// <summary>Writes a value, asks the device to connect now and waits briefly for the outcome.</summary>
    public Task<IActionResult> OnPostSetAsync([FromForm] string name, [FromForm] string? value, [FromForm] string? type) =>
        RunTaskAsync(new JsonObject { ["name"] = "setParameterValues", ["parameterValues"] = new JsonArray(new JsonArray(name, value ?? string.Empty, string.IsNullOrEmpty(type) ? "xsd:string" : (type.Contains(':', StringComparison.Ordinal) ? type : "xsd:" + type))) }, $"Set {name}");

    public Task<IActionResult> OnPostRefreshAsync([FromForm] string? name) =>
        RunTaskAsync(new JsonObject { ["name"] = "refreshObject", ["objectName"] = name ?? string.Empty }, string.IsNullOrEmpty(name) ? "Refresh the whole tree" : $"Refresh {name}");

    public Task<IActionResult> OnPostAddObjectAsync([FromForm] string name) =>
        RunTaskAsync(new JsonObject { ["name"] = "addObject", ["objectName"] = name }, $"Add an instance to {name}");

    public Task<IActionResult> OnPostDeleteObjectAsync([FromForm] string name) =>
        RunTaskAsync(new JsonObject { ["name"] = "deleteObject", ["objectName"] = name }, $"Delete {name}", parentPath: true);

    public Task<IActionResult> OnPostRebootAsync() => RunTaskAsync(new JsonObject { ["name"] = "reboot" }, "Reboot", wait: false);

    public Task<IActionResult> OnPostFactoryResetAsync() => RunTaskAsync(new JsonObject { ["name"] = "factoryReset" }, "Factory reset", wait: false);

    public Task<IActionResult> OnPostMoveToHttpsAsync() => RunTaskAsync(new JsonObject { ["name"] = "moveToHttps" }, "Move to HTTPS", wait: false);

    public async Task<IActionResult> OnPostConnectAsync() => await ActAsync(async ct =>
    {
        var outcome = await Services.Devices.RequestConnectionAsync(Caller, Id, ct).ConfigureAwait(false);
        return "Connection request: " + $"{outcome.Result} ({outcome.Reason})".ToLowerInvariant() + ".";
    }).ConfigureAwait(false);

    public async Task<IActionResult> OnPostTagAsync([FromForm] string tag, [FromForm] bool remove) => await ActAsync(async ct =>
    {
        await Services.Devices.SetTagAsync(Caller, Id, tag ?? string.Empty, !remove, ct).ConfigureAwait(false);
        return remove ? $"Tag '{tag}' removed." : $"Tag '{tag}' added.";
    }).ConfigureAwait(false);

    public async Task<IActionResult> OnPostRetryAsync([FromForm] long task) => await ActAsync(async ct =>
    {
        await Services.Tasks.RetryAsync(Caller, task, ct).ConfigureAwait(false);
        return string.Create(CultureInfo.InvariantCulture, $"Task {task} queued again.");
    }).ConfigureAwait(false);

    public async Task<IActionResult> OnPostCancelAsync([FromForm] long task) => await ActAsync(async ct =>
    {
        await Services.Tasks.CancelAsync(Caller, task, ct).ConfigureAwait(false);
        return string.Create(CultureInfo.InvariantCulture, $"Task {task} cancelled.");
    }).ConfigureAwait(false);

    public async Task<IActionResult> OnPostClearFaultAsync([FromForm] long task) => await ActAsync(async ct =>
    {
        await Services.Faults.ClearAsync(Caller, task, ct).ConfigureAwait(false);
        return string.Create(CultureInfo.InvariantCulture, $"Fault of task {task} deleted.");
    }).ConfigureAwait(false);

    public async Task<IActionResult> OnPostClearChannelAsync([FromForm] string channel) => await ActAsync(async ct =>
    {
        await Services.Faults.ClearChannelFaultAsync(Caller, Id, channel ?? string.Empty, ct).ConfigureAwait(false);
        return $"Provisioning fault of channel '{channel}' deleted; the channel runs again at the next session.";
    }).ConfigureAwait(false);

    /// <summary>A task's outcome as one line.</summary>
    public static string Outcome(DeviceTask t) => t.Fault is { } f
        ? string.Create(CultureInfo.InvariantCulture, $"{f.Code} {f.Message}{(f.Detail is null ? string.Empty : " — " + Shorten(f.Detail, 300))}")
        : t.Result is null ? string.Empty : Shorten(t.Result, 300);

    /// <summary>What a task asks for, without its name.</summary>
    public static string What(DeviceTask t)
    {
        var o = JsonNode.Parse(t.Payload) as JsonObject;
        o?.Remove("name");
        return o is null || o.Count == 0 ? string.Empty : Shorten(o.ToJsonString(), 200);
    }

    private static string Shorten(string s, int max) => s.Length <= max ? s : s[..max] + "…";

    private async Task<IActionResult> RunTaskAsync(JsonObject body, string what, bool wait = true, bool parentPath = false) => await ActAsync(async ct =>
    {
        var outcome = await Services.Tasks.CreateAsync(Caller, Id, new TaskRequest(body, ConnectionRequest: true, TimeoutSeconds: wait ? WaitSeconds : 0), ct).ConfigureAwait(false);
        if (parentPath && Path is { } p)
        {
            var trimmed = p.TrimEnd('.');
            Path = trimmed.Contains('.', StringComparison.Ordinal) ? trimmed[..(trimmed.LastIndexOf('.') + 1)] : null;
        }

        var task = outcome.Task;
        var cr = outcome.ConnectionRequest is { } c ? $" Connection request: {c.Result} ({c.Reason})".ToLowerInvariant() + "." : string.Empty;
        return task.Status switch
        {
            DeviceTaskStatus.Done => $"{what}: done.{cr}",
            DeviceTaskStatus.Faulted => $"{what}: faulted — {Outcome(task)}.{cr}",
            _ => string.Create(CultureInfo.InvariantCulture, $"{what}: queued as task {task.Id}; its status below updates when the device connects.{cr}"),
        };
    }).ConfigureAwait(false);

    // Runs an action; success shows its message after a redirect to the page (at the subtree shown), a refusal shows the page with the error.
    // The subtree comes back from the form: one longer than any parameter name a device may have is not put into the
    // redirect's Location header (it would make that header as large as the form's body).
    private Task<IActionResult> ActAsync(Func<CancellationToken, Task<string>> action) => ActAsync(
        async () => (await action(HttpContext.RequestAborted).ConfigureAwait(false), Path is { Length: <= MaxPathLength } p ? TreeLink(p) : Self),
        () => TryAsync(LoadAsync));

    private async Task LoadAsync()
    {
        var ct = HttpContext.RequestAborted;
        View = await Services.Devices.GetAsync(Caller, Id, Path, ct).ConfigureAwait(false);
        Events = await Services.Devices.EventsAsync(Caller, Id, 100, ct).ConfigureAwait(false);
        Tasks = await Services.Tasks.ListAsync(Caller, Id, 50, ct).ConfigureAwait(false);
        if (Can(Acs.Access.Permission.ReadFaults))
        {
            Faults = await Services.Faults.ListAsync(Caller, Id, null, 50, ct).ConfigureAwait(false);
            ChannelFaults = await Services.Faults.ListChannelFaultsAsync(Caller, Id, null, 50, ct).ConfigureAwait(false);
        }

        // The tree opens at the data model's root object.
        if (string.IsNullOrEmpty(Path) && string.IsNullOrEmpty(Q))
        {
            Path = (View.Device.DataModelRoot ?? "Device").TrimEnd('.') + ".";
        }

        var prefix = Path ?? string.Empty;
        var all = View.Parameters ?? [];
        if (!string.IsNullOrEmpty(Q))
        {
            Leaves = [.. all.Where(p => !p.IsObject && p.Path.Contains(Q, StringComparison.OrdinalIgnoreCase)).OrderBy(p => p.Path, StringComparer.Ordinal).Take(500)];
            return;
        }

        var children = new SortedSet<string>(StringComparer.Ordinal);
        var leaves = new List<CachedParameter>();
        foreach (var p in all)
        {
            if (!p.Path.StartsWith(prefix, StringComparison.Ordinal) || p.Path.Length == prefix.Length)
            {
                continue;
            }

            var rest = p.Path[prefix.Length..];
            var dot = rest.IndexOf('.', StringComparison.Ordinal);
            if (dot >= 0 && dot < rest.Length - 1 || p.IsObject)
            {
                children.Add(prefix + rest[..(dot + 1)]);
            }
            else
            {
                leaves.Add(p);
            }
        }

        ChildObjects = [.. children.OrderBy(c => c, Comparer<string>.Create(NaturalCompare)).Take(1000)];
        Leaves = [.. leaves.OrderBy(p => p.Path, StringComparer.Ordinal)];
        IsTable = ChildObjects.Count > 0 && ChildObjects.All(c => c[prefix.Length..].TrimEnd('.').All(char.IsAsciiDigit));
    }

    // Instance numbers in numeric order (2 before 10).
    private static int NaturalCompare(string? a, string? b)
    {
        var x = a!.TrimEnd('.');
        var y = b!.TrimEnd('.');
        var xs = x[(x.LastIndexOf('.') + 1)..];
        var ys = y[(y.LastIndexOf('.') + 1)..];
        return int.TryParse(xs, CultureInfo.InvariantCulture, out var xi) && int.TryParse(ys, CultureInfo.InvariantCulture, out var yi) && x[..^xs.Length] == y[..^ys.Length]
            ? xi.CompareTo(yi)
            : string.CompareOrdinal(x, y);
    }
}
