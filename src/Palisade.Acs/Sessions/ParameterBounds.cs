using Palisade.Acs.Storage;

namespace Palisade.Acs.Sessions;

/// <summary>
/// Keeps a session's parameter writes within <see cref="DeviceLimits"/>, and a CPE's answer within what the ACS
/// asked for: a GetParameterValues answer may name only the parameters requested or ones under a requested partial
/// path, so names the ACS never asked for (<c>../../etc/passwd</c>, markup, megabyte names) are never cached or served.
/// </summary>
internal static class ParameterBounds
{
    /// <summary>True when <paramref name="name"/> equals one of <paramref name="requested"/>, or lies under one that is a partial path (ending in '.', or empty for the whole tree).</summary>
    public static bool IsAsked(IReadOnlyList<string> requested, string name)
    {
        foreach (var path in requested)
        {
            if (path.Length == 0 || name == path || (path.EndsWith('.') && name.StartsWith(path, StringComparison.Ordinal)))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Why the writes from <paramref name="from"/> on would pass the bounds, or null; changes nothing (the engine drops the excess before the commit).</summary>
    public static string? Check(List<CachedParameter> parameters, int from, DeviceLimits limits) => Enforce([.. parameters], from, limits);

    /// <summary>
    /// Drops from <paramref name="parameters"/> (from index <paramref name="from"/> on) every write past the bounds:
    /// a name or value too long, and whatever follows once the session has written its most parameters or
    /// characters. Returns why, or null when everything fitted.
    /// </summary>
    public static string? Enforce(List<CachedParameter> parameters, int from, DeviceLimits limits)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentNullException.ThrowIfNull(limits);
        string? reason = null;
        long bytes = 0;
        for (var i = 0; i < from && i < parameters.Count; i++)
        {
            bytes += Size(parameters[i]);
        }

        var kept = from;
        for (var i = from; i < parameters.Count; i++)
        {
            var p = parameters[i];
            if (p.Path.Length > limits.MaxNameLength)
            {
                reason ??= $"a parameter name longer than {limits.MaxNameLength} characters";
                continue;
            }

            if (p.Value is { } value && value.Length > limits.MaxValueLength)
            {
                reason ??= $"a value of {p.Path} longer than {limits.MaxValueLength} characters";
                continue;
            }

            if (kept >= limits.MaxParametersPerSession || bytes + Size(p) > limits.MaxBytesPerSession)
            {
                reason ??= $"more than {limits.MaxParametersPerSession} parameters or {limits.MaxBytesPerSession} characters in one session";
                continue;
            }

            bytes += Size(p);
            parameters[kept++] = p;
        }

        parameters.RemoveRange(kept, parameters.Count - kept);
        return reason;
    }

    private static long Size(CachedParameter p) => p.Path.Length + (p.Value?.Length ?? 0) + (p.AccessList?.Length ?? 0);
}
