namespace Palisade.Server.Listeners;

/// <summary>
/// Every bound of every listener, by name: the one list that <c>palisade serve --help</c>, the settings file, the
/// environment and docs/security.md all go by. Values are whole numbers (bytes, counts, seconds).
/// </summary>
public static class LimitSettings
{
    /// <summary>All settable bounds, CWMP first, then the API, then connection requests.</summary>
    public static IReadOnlyList<LimitSetting> All { get; } =
    [
        new("cwmp.maxBodyBytes", "bytes", "a CWMP body, before and after gzip", o => o.Cwmp.Codec.MaxBodyBytes, (o, v) => o.Cwmp.Codec.MaxBodyBytes = Int("cwmp.maxBodyBytes", v)),
        new("cwmp.maxDepth", "levels", "XML element nesting", o => o.Cwmp.Codec.MaxDepth, (o, v) => o.Cwmp.Codec.MaxDepth = Int("cwmp.maxDepth", v)),
        new("cwmp.maxElements", "elements", "XML elements in one body", o => o.Cwmp.Codec.MaxElements, (o, v) => o.Cwmp.Codec.MaxElements = Int("cwmp.maxElements", v)),
        new("cwmp.maxStringLength", "characters", "one XML text or attribute value", o => o.Cwmp.Codec.MaxStringLength, (o, v) => o.Cwmp.Codec.MaxStringLength = Int("cwmp.maxStringLength", v)),
        new("cwmp.maxArrayLength", "items", "one SOAP array", o => o.Cwmp.Codec.MaxArrayLength, (o, v) => o.Cwmp.Codec.MaxArrayLength = Int("cwmp.maxArrayLength", v)),
        new("cwmp.maxProbeBytes", "bytes", "a moveToHttps reachability upload", o => o.Cwmp.MaxProbeBytes, (o, v) => o.Cwmp.MaxProbeBytes = Int("cwmp.maxProbeBytes", v)),
        .. Http("cwmp", o => o.Cwmp.Http, "0 = the session timeout"),
        new("api.maxBodyBytes", "bytes", "an API request body", o => o.Api.Limits.MaxBodyBytes, (o, v) => o.Api.Limits.MaxBodyBytes = Int("api.maxBodyBytes", v)),
        new("api.maxJsonDepth", "levels", "JSON nesting in an API request body", o => o.Api.Limits.MaxJsonDepth, (o, v) => o.Api.Limits.MaxJsonDepth = Int("api.maxJsonDepth", v)),
        new("api.defaultPageSize", "items", "a list page when 'limit' is not given", o => o.Api.Limits.DefaultPageSize, (o, v) => o.Api.Limits.DefaultPageSize = Int("api.defaultPageSize", v)),
        new("api.maxPageSize", "items", "the largest 'limit' of a list page (at most 1000)", o => o.Api.Limits.MaxPageSize, (o, v) => o.Api.Limits.MaxPageSize = Int("api.maxPageSize", v)),
        new("api.maxBulkDevices", "devices", "the devices one bulk task may target", o => o.Api.Limits.MaxBulkDevices, (o, v) => o.Api.Limits.MaxBulkDevices = Int("api.maxBulkDevices", v)),
        new("api.maxProjectionPaths", "paths", "distinct paths in a device list's projection", o => o.Api.Limits.Projection.MaxPaths, (o, v) => o.Api.Limits.Projection.MaxPaths = Int("api.maxProjectionPaths", v)),
        new("api.maxProjectedValues", "values", "parameter values in one device list response (422 above)", o => o.Api.Limits.Projection.MaxValues, (o, v) => o.Api.Limits.Projection.MaxValues = Int("api.maxProjectedValues", v)),
        new("api.maxProjectedCharacters", "characters", "names and values in one device list response (422 above)", o => o.Api.Limits.Projection.MaxCharacters, (o, v) => o.Api.Limits.Projection.MaxCharacters = Int("api.maxProjectedCharacters", v)),
        .. Http("api", o => o.Api.Limits.Http, "0 = Kestrel's 130 s"),
        new("connectionRequest.connectTimeoutSeconds", "seconds", "connecting to a CPE's connection-request URL", o => (long)o.ConnectionRequests.ConnectTimeout.TotalSeconds, (o, v) => o.ConnectionRequests.ConnectTimeout = Seconds(v)),
        new("connectionRequest.timeoutSeconds", "seconds", "a whole connection request (both Digest rounds)", o => (long)o.ConnectionRequests.Timeout.TotalSeconds, (o, v) => o.ConnectionRequests.Timeout = Seconds(v)),
        new("connectionRequest.maxResponseBytes", "bytes", "a CPE's answer to a connection request, buffered", o => o.ConnectionRequests.MaxResponseBytes, (o, v) => o.ConnectionRequests.MaxResponseBytes = Int("connectionRequest.maxResponseBytes", v)),
    ];

    /// <summary>Sets the bound called <paramref name="name"/> (case-insensitive); an unknown name is an error that says where the names are listed.</summary>
    public static void Set(ServerOptions options, string name, long value)
    {
        ArgumentNullException.ThrowIfNull(options);
        var setting = All.FirstOrDefault(s => s.Name.Equals(name, StringComparison.OrdinalIgnoreCase))
            ?? throw new ArgumentException($"There is no limit called '{name}'; 'palisade serve --help' lists them.");
        if (value < 0)
        {
            throw new ArgumentOutOfRangeException(setting.Name, $"The limit {setting.Name} must not be negative.");
        }

        setting.Set(options, value);
    }

    /// <summary>Each name with its default and unit, one per line, for <c>--help</c>.</summary>
    public static string Describe()
    {
        var defaults = new ServerOptions();
        return string.Join('\n', All.Select(s => $"  {s.Name} = {s.Get(defaults)} ({s.Unit}): {s.Description}"));
    }

    private static IEnumerable<LimitSetting> Http(string listener, Func<ServerOptions, ListenerLimits> of, string keepAliveDefault) =>
    [
        new($"{listener}.maxHeaderBytes", "bytes", "all request headers together", o => of(o).MaxRequestHeadersTotalBytes, (o, v) => of(o).MaxRequestHeadersTotalBytes = Int($"{listener}.maxHeaderBytes", v)),
        new($"{listener}.maxRequestLineBytes", "bytes", "the request line", o => of(o).MaxRequestLineBytes, (o, v) => of(o).MaxRequestLineBytes = Int($"{listener}.maxRequestLineBytes", v)),
        new($"{listener}.maxHeaderCount", "headers", "request headers", o => of(o).MaxRequestHeaderCount, (o, v) => of(o).MaxRequestHeaderCount = Int($"{listener}.maxHeaderCount", v)),
        new($"{listener}.headersTimeoutSeconds", "seconds", "time to send the request headers (slow clients)", o => (long)of(o).RequestHeadersTimeout.TotalSeconds, (o, v) => of(o).RequestHeadersTimeout = Seconds(v)),
        new($"{listener}.keepAliveSeconds", "seconds", $"an idle kept-alive connection ({keepAliveDefault})", o => (long)(of(o).KeepAliveTimeout?.TotalSeconds ?? 0), (o, v) => of(o).KeepAliveTimeout = v == 0 ? null : Seconds(v)),
    ];

    private static int Int(string name, long value) =>
        value <= int.MaxValue ? (int)value : throw new ArgumentOutOfRangeException(name, $"The limit {name} is out of range.");

    private static TimeSpan Seconds(long value) => TimeSpan.FromSeconds(Math.Min(value, 86_400));
}
