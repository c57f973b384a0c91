using System.Buffers.Text;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Palisade.Acs.Access;
using Palisade.Acs.Audit;
using Palisade.Acs.ConnectionRequests;
using Palisade.Acs.Query;
using Palisade.Acs.Services;
using Palisade.Acs.Storage;

namespace Palisade.Acs.Devices;

/// <summary>
/// The device registry as the API and the console use it: lists and exports within the caller's scope, tags,
/// deletion, readmission and connection requests, each write audited.
/// </summary>
/// <param name="store">The device registry.</param>
/// <param name="requester">Sends connection requests.</param>
/// <param name="audit">Records every write.</param>
/// <param name="time">The clock.</param>
/// <param name="projections">The bounds of a list's or an export's projection (defaults when null).</param>
public sealed class DeviceService(IDeviceRegistry store, ConnectionRequester requester, AuditService audit, TimeProvider time, ProjectionLimits? projections = null)
{
    private readonly ProjectionLimits _projections = (projections ?? new ProjectionLimits()).Validate();

    private static readonly string[] CsvColumns = ["id", "serialNumber", "productClass", "softwareVersion", "lastInform", "online"];

    /// <summary>One page of the devices the filter matches within the caller's scope.</summary>
    public async Task<DevicePage> ListAsync(Caller caller, DeviceQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(query);
        caller.Demand(Permission.ReadDevices);
        var filter = caller.Scoped(ParseFilter(query.Filter));
        var descending = query.Sort?.StartsWith('-') ?? false;
        var sort = query.Sort is { Length: > 0 } s ? s.TrimStart('-') : "id";
        if (!DeviceSearch.SortFields.Contains(sort))
        {
            throw ServiceException.Invalid("sort", $"sort must be one of {string.Join(", ", DeviceSearch.SortFields)} (prefix '-' for descending).");
        }

        if (query.Limit is < 1 or > 1000 || !TryCursor(query.Cursor, sort, out var after))
        {
            throw ServiceException.Invalid("cursor", "limit must be 1–1000 and cursor a value returned as nextCursor (with the same sort).");
        }

        var projection = Projection.Parse(query.Projection, _projections);

        // Matches are counted for the first page only: counting them on every page made paging through a million
        // devices cost a full count per page. A client that pages keeps the first page's total.
        var result = await store.SearchDevicesAsync(new DeviceSearch(filter, sort, descending, after, query.Limit, IncludeTotal: after is null), cancellationToken).ConfigureAwait(false);
        var projected = await Projection.ReadAsync(store, result.Devices, projection, _projections, cancellationToken).ConfigureAwait(false);
        var now = time.GetUtcNow();
        var views = result.Devices.Select(d => new DeviceView(d, IsOnline(d, now), Parameters: projected?[d.Id])).ToList();
        return new DevicePage(views, result.Total, result.Next is { } next ? Base64Url.EncodeToString(Encoding.UTF8.GetBytes(next)) : null);
    }

    /// <summary>
    /// Writes every match as CSV, a page at a time (an export of a million devices never sits in memory whole).
    /// Cells are quoted and never start with a formula character, so a spreadsheet never runs them.
    /// </summary>
    public async Task ExportCsvAsync(Caller caller, string? filterText, string? projectionText, TextWriter writer, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(writer);
        var filter = ParseExport(caller, filterText, projectionText, out var projection);
        await WriteCsvAsync(filter, projection, writer, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Checks an export's permission and inputs before the first byte is written; the writing comes after.</summary>
    public Filter? ParseExport(Caller caller, string? filterText, string? projectionText, out IReadOnlyList<string> projection)
    {
        ArgumentNullException.ThrowIfNull(caller);
        caller.Demand(Permission.ReadDevices);
        var filter = caller.Scoped(ParseFilter(filterText));
        projection = Projection.Parse(projectionText, _projections);
        if (projection.FirstOrDefault(p => p.EndsWith('.')) is { } partial)
        {
            // An export's columns are whole parameters: a partial path made no column, only work (its whole subtree read per device).
            throw ServiceException.Invalid("projection", $"An export's projection names whole parameters (one column each); '{partial}' is a partial path.");
        }

        return filter;
    }

    /// <summary>Writes the export checked by <see cref="ParseExport"/>.</summary>
    public async Task WriteCsvAsync(Filter? filter, IReadOnlyList<string> projection, TextWriter writer, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(projection);
        ArgumentNullException.ThrowIfNull(writer);
        await writer.WriteAsync(string.Join(',', CsvColumns.Concat(projection).Select(Csv)) + "\r\n").ConfigureAwait(false);
        await foreach (var devices in store.PagesAsync(filter, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            // Whole parameters only (ParseExport), so each row is at most one value per column: no per-request bound.
            var projected = await Projection.ReadAsync(store, devices, projection, bound: null, cancellationToken).ConfigureAwait(false);
            var now = time.GetUtcNow();
            foreach (var d in devices)
            {
                var values = new List<string?> { d.Id.ToString(), d.Id.SerialNumber, d.Id.ProductClass, d.SoftwareVersion, d.LastInformAt?.ToString("O", CultureInfo.InvariantCulture), IsOnline(d, now) ? "true" : "false" };
                if (projected is not null)
                {
                    var parameters = projected[d.Id];
                    values.AddRange(projection.Select(p => parameters.FirstOrDefault(x => x.Path == p)?.Value));
                }

                await writer.WriteAsync(string.Join(',', values.Select(v => Csv(v ?? string.Empty))) + "\r\n").ConfigureAwait(false);
            }
        }
    }

    /// <summary>One device with its tags and its cached parameters under <paramref name="subtree"/> (all when null).</summary>
    public async Task<DeviceView> GetAsync(Caller caller, string id, string? subtree, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        caller.Demand(Permission.ReadDevices);
        var device = await ScopedReads.DeviceAsync(store, caller, id, cancellationToken).ConfigureAwait(false);
        var parameters = await store.GetParametersAsync(device.Id, string.IsNullOrEmpty(subtree) ? null : subtree, cancellationToken).ConfigureAwait(false);
        var tags = await store.GetTagsAsync(device.Id, cancellationToken).ConfigureAwait(false);
        return new DeviceView(device, IsOnline(device, time.GetUtcNow()), tags, parameters);
    }

    /// <summary>The device's event history, newest first, at most <paramref name="limit"/>.</summary>
    public async Task<IReadOnlyList<DeviceEvent>> EventsAsync(Caller caller, string id, int limit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        caller.Demand(Permission.ReadDevices);
        var device = await ScopedReads.DeviceAsync(store, caller, id, cancellationToken).ConfigureAwait(false);
        return await store.ListEventsAsync(device.Id, limit, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Deletes a device with its parameters, tags and tasks.</summary>
    public Task DeleteAsync(Caller caller, string id, CancellationToken cancellationToken) => DeleteAsync(caller, id, block: false, cancellationToken);

    /// <summary>
    /// Deletes a device with its parameters, tags and tasks; with <paramref name="block"/>, its id may not enroll again
    /// with the bootstrap credential until it is unblocked.
    /// </summary>
    public async Task DeleteAsync(Caller caller, string id, bool block, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        caller.Demand(Permission.WriteDevices);
        var device = await ScopedReads.DeviceAsync(store, caller, id, cancellationToken).ConfigureAwait(false);
        if (block)
        {
            await store.BlockDeviceAsync(device.Id, time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
        }
        else
        {
            await store.DeleteDeviceAsync(device.Id, cancellationToken).ConfigureAwait(false);
        }

        await audit.RecordAsync(caller, "device.delete", device.Id.ToString(), block ? new JsonObject { ["block"] = true } : []).ConfigureAwait(false);
    }

    /// <summary>Adds (<paramref name="present"/>) or removes a tag; returns the device's tags after.</summary>
    public async Task<IReadOnlyList<string>> SetTagAsync(Caller caller, string id, string tag, bool present, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(tag);
        caller.Demand(Permission.WriteDevices);
        if (tag.Length is 0 or > 128 || tag.Any(ch => char.IsControl(ch) || ch is ',' or '"'))
        {
            throw ServiceException.Invalid("tag", "A tag is 1–128 printable characters without commas or quotes.");
        }

        var device = await ScopedReads.DeviceAsync(store, caller, id, cancellationToken).ConfigureAwait(false);
        await store.SetTagAsync(device.Id, tag, present, cancellationToken).ConfigureAwait(false);
        await audit.RecordAsync(caller, present ? "tag.add" : "tag.remove", device.Id.ToString(), new JsonObject { ["tag"] = tag }).ConfigureAwait(false);
        return await store.GetTagsAsync(device.Id, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Adds or removes a tag on every device the filter matches within the caller's scope (at most
    /// <paramref name="max"/>: more is refused before anything is written); one audit entry with the filter and count.
    /// </summary>
    public async Task<int> SetTagBulkAsync(Caller caller, string? filterText, string tag, bool present, int max, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(tag);
        caller.Demand(Permission.WriteDevices);
        if (tag.Length is 0 or > 128 || tag.Any(ch => char.IsControl(ch) || ch is ',' or '"'))
        {
            throw ServiceException.Invalid("tag", "A tag is 1–128 printable characters without commas or quotes.");
        }

        var filter = caller.Scoped(ParseFilter(filterText));
        var first = await store.SearchDevicesAsync(new DeviceSearch(filter, "id", false, null, 1, IncludeTotal: true), cancellationToken).ConfigureAwait(false);
        if (first.Total > max)
        {
            throw ServiceException.TooMuchWork($"The filter matches {first.Total} devices; at most {max} can be tagged at once. Narrow the filter.");
        }

        var count = 0;
        string? after = null;
        do
        {
            var page = await store.SearchDevicesAsync(new DeviceSearch(filter, "id", false, after, 500, IncludeTotal: false), cancellationToken).ConfigureAwait(false);
            foreach (var device in page.Devices)
            {
                await store.SetTagAsync(device.Id, tag, present, cancellationToken).ConfigureAwait(false);
                count++;
            }

            after = page.Next;
        }
        while (after is not null && count < max);

        await audit.RecordAsync(caller, present ? "tag.add-bulk" : "tag.remove-bulk", filterText ?? "(all)", new JsonObject { ["tag"] = tag, ["devices"] = count }).ConfigureAwait(false);
        return count;
    }

    /// <summary>
    /// A device that was factory-reset comes back on the bootstrap credential, which an enrolled device may never
    /// use: an operator who expects the reset re-admits it, once; its next session enrolls it again.
    /// </summary>
    public async Task<Device> ReadmitAsync(Caller caller, string id, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        caller.Demand(Permission.WriteManagementServer);
        var device = await ScopedReads.DeviceAsync(store, caller, id, cancellationToken).ConfigureAwait(false);
        await store.ResetCredentialsAsync(device.Id, cancellationToken).ConfigureAwait(false);
        await audit.RecordAsync(caller, "device.readmit", device.Id.ToString(), []).ConfigureAwait(false);
        return device;
    }

    /// <summary>Asks the device to open a session now; audited with the outcome.</summary>
    public async Task<ConnectionRequestOutcome> RequestConnectionAsync(Caller caller, string id, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        caller.Demand(Permission.ConnectionRequest);
        var device = await ScopedReads.DeviceAsync(store, caller, id, cancellationToken).ConfigureAwait(false);
        var outcome = await PokeAsync(device, cancellationToken).ConfigureAwait(false);
        await audit.RecordAsync(caller, "device.connection-request", device.Id.ToString(), new JsonObject { ["result"] = outcome.Result.ToString(), ["reason"] = outcome.Reason.ToString() }).ConfigureAwait(false);
        return outcome;
    }

    /// <summary>
    /// How many devices of each product class run each software version, within the caller's scope, over at most
    /// <paramref name="max"/> devices (read a page at a time); the flag says whether the fleet was larger.
    /// </summary>
    public async Task<(IReadOnlyDictionary<string, IReadOnlyDictionary<string, long>> Counts, bool Truncated)> FirmwareByModelAsync(Caller caller, int max, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        caller.Demand(Permission.ReadDevices);
        var counts = new SortedDictionary<string, SortedDictionary<string, long>>(StringComparer.Ordinal);
        var seen = 0;
        string? after = null;
        do
        {
            var page = await store.SearchDevicesAsync(new DeviceSearch(caller.DeviceScope, "id", false, after, Math.Min(1000, max - seen), IncludeTotal: false), cancellationToken).ConfigureAwait(false);
            foreach (var d in page.Devices)
            {
                var versions = counts.TryGetValue(d.Id.ProductClass, out var v) ? v : counts[d.Id.ProductClass] = new SortedDictionary<string, long>(StringComparer.Ordinal);
                var version = d.SoftwareVersion ?? "(unknown)";
                versions[version] = versions.GetValueOrDefault(version) + 1;
                seen++;
            }

            after = page.Next;
        }
        while (after is not null && seen < max);

        return (counts.ToDictionary(c => c.Key, c => (IReadOnlyDictionary<string, long>)c.Value, StringComparer.Ordinal), after is not null);
    }

    /// <summary>How many devices there are and how connection requests went.</summary>
    public async Task<DeviceStats> StatsAsync(Caller caller, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        caller.Demand(Permission.ReadDevices);
        var count = await store.CountDevicesAsync(cancellationToken).ConfigureAwait(false);
        return new DeviceStats(count, requester.Reached, requester.Refused, requester.Timeouts, requester.Unreachable, requester.UdpSent);
    }

    /// <summary>A connection request with the device's Basic opt-in (the <c>cr-basic-allowed</c> tag).</summary>
    internal async Task<ConnectionRequestOutcome> PokeAsync(Device device, CancellationToken cancellationToken)
    {
        var allowBasic = (await store.GetTagsAsync(device.Id, cancellationToken).ConfigureAwait(false)).Contains(ConnectionRequester.AllowBasicTag);
        return await requester.RequestAsync(device, cancellationToken, allowBasic).ConfigureAwait(false);
    }

    private bool IsOnline(Device device, DateTimeOffset now) => DevicePresence.IsOnline(device, now, requester.LastReached(device.Id));

    private Filter? ParseFilter(string? text) => Filters.Parse(text, time.GetUtcNow());

    // A page's projected parameters in one read; null without a projection.
    // A nextCursor is the store's SearchCursor in base64url; one for another sort, or made up, is refused.
    private static bool TryCursor(string? text, string sort, out string? after)
    {
        after = null;
        if (string.IsNullOrEmpty(text))
        {
            return true;
        }

        if (text.Length > 1024)
        {
            return false;
        }

        try
        {
            var raw = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(text));
            SearchCursor.Parse(raw, sort);
            after = raw;
            return true;
        }
        catch (Exception e) when (e is FormatException or ArgumentException)
        {
            return false;
        }
    }

    // CSV cells: quoted, and never starting with a formula character (spreadsheet injection).
    private static string Csv(string value)
    {
        if (value.Length > 0 && value[0] is '=' or '+' or '-' or '@' or '\t' or '\r')
        {
            value = "'" + value;
        }

        return "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
    }
}
