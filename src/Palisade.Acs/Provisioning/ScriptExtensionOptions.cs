namespace Palisade.Acs.Provisioning;

/// <summary>
/// The HTTPS endpoints <c>ext(name, …)</c> may call, by extension name, and the bounds of every call. A name that is
/// not listed is refused; only <c>https</c> endpoints are accepted.
/// </summary>
public sealed class ScriptExtensionOptions
{
    /// <summary>Extension name → endpoint (an absolute <c>https</c> URL). The call POSTs <c>{"function": …, "args": […]}</c> as JSON and takes the JSON answer as the result.</summary>
    public IReadOnlyDictionary<string, Uri> Endpoints { get; init; } = new Dictionary<string, Uri>(StringComparer.Ordinal);

    /// <summary>How long one call may take.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>The largest answer accepted, in bytes.</summary>
    public int MaxResponseBytes { get; init; } = 64 * 1024;

    /// <summary>Throws when an endpoint is not https or a bound is out of range.</summary>
    public ScriptExtensionOptions Validate()
    {
        foreach (var (name, uri) in Endpoints)
        {
            if (!uri.IsAbsoluteUri || uri.Scheme != Uri.UriSchemeHttps)
            {
                throw new ArgumentException($"The extension '{name}' must be an absolute https URL.", nameof(Endpoints));
            }
        }

        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(Timeout, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(Timeout, TimeSpan.FromSeconds(30));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxResponseBytes, 16);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(MaxResponseBytes, 1024 * 1024);
        return this;
    }
}
