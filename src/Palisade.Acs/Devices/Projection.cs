using Palisade.Acs.Services;
using Palisade.Acs.Storage;

namespace Palisade.Acs.Devices;

/// <summary>
/// The parameter paths or prefixes a list or export includes per device: parsed once, duplicates and paths covered by
/// a partial path among them dropped (so naming <c>Device.</c> 64 times reads the tree once), and the work and size
/// of what they return bounded per request.
/// </summary>
internal static class Projection
{
    /// <summary>How many devices' parameters are read at a time, so a request over its bound stops within one such read.</summary>
    public const int DevicesPerRead = 16;

    /// <summary>
    /// The distinct paths of <paramref name="text"/> (comma-separated), in the order given, without any a partial path
    /// (ending in '.') among them already covers. A path too long is a 400; more distinct paths than allowed a 422.
    /// </summary>
    public static IReadOnlyList<string> Parse(string? text, ProjectionLimits limits)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return [];
        }

        var named = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var path in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (path.Length > limits.MaxPathLength)
            {
                throw ServiceException.Invalid("projection", $"A projection path is at most {limits.MaxPathLength} characters.");
            }

            if (seen.Add(path))
            {
                named.Add(path);
            }
        }

        var partial = named.Where(p => p.EndsWith('.')).ToList();
        var kept = named.Where(p => !partial.Any(q => q.Length < p.Length && p.StartsWith(q, StringComparison.Ordinal))).ToList();
        if (kept.Count > limits.MaxPaths)
        {
            throw ServiceException.TooMuchWork($"The projection names {kept.Count} distinct paths; at most {limits.MaxPaths} are allowed. Name fewer, or a common partial path (ending in '.').");
        }

        return kept;
    }

    /// <summary>
    /// Reads the projected parameters of <paramref name="devices"/> a few devices at a time; once what was read passes
    /// the values or characters allowed, stops and refuses the request with 422 (work bounded to the bound and one read).
    /// </summary>
    public static async Task<IReadOnlyDictionary<DeviceId, IReadOnlyList<CachedParameter>>?> ReadAsync(
        IDeviceRegistry store, IReadOnlyList<Device> devices, IReadOnlyList<string> projection, ProjectionLimits? bound, CancellationToken cancellationToken)
    {
        if (projection.Count == 0 || devices.Count == 0)
        {
            return null;
        }

        var result = new Dictionary<DeviceId, IReadOnlyList<CachedParameter>>();
        long values = 0;
        long characters = 0;
        foreach (var chunk in devices.Chunk(DevicesPerRead))
        {
            var read = await store.GetParametersAsync([.. chunk.Select(d => d.Id)], projection, cancellationToken).ConfigureAwait(false);
            foreach (var (id, parameters) in read)
            {
                result[id] = parameters;
                values += parameters.Count;
                characters += parameters.Sum(p => (long)p.Path.Length + (p.Value?.Length ?? 0));
            }

            if (bound is not null && (values > bound.MaxValues || characters > bound.MaxCharacters))
            {
                throw ServiceException.TooMuchWork(
                    $"The projection returns more than {bound.MaxValues} parameter values or {bound.MaxCharacters / (1024 * 1024)} Mi characters for this page of {devices.Count} devices. Name deeper or fewer paths, or ask a smaller limit.");
            }
        }

        return result;
    }
}
