using Palisade.Server.Listeners;

namespace Palisade.Server.Api;

/// <summary>Every bound of the API listener: HTTP headers and timeouts, request bodies, JSON nesting, pages and bulk work. Validated at start.</summary>
public sealed class ApiLimits
{
    /// <summary>Headers, request line and timeouts.</summary>
    public ListenerLimits Http { get; } = new();

    /// <summary>The largest request body, in bytes. Default 1 MiB.</summary>
    public int MaxBodyBytes { get; set; } = 1024 * 1024;

    /// <summary>The deepest JSON nesting in a request body. Default 32.</summary>
    public int MaxJsonDepth { get; set; } = 32;

    /// <summary>The page size when a list request names none. Default 100.</summary>
    public int DefaultPageSize { get; set; } = 100;

    /// <summary>The largest page a list request may ask for. Default 1000, which is also the services' ceiling.</summary>
    public int MaxPageSize { get; set; } = 1000;

    /// <summary>The most devices one bulk task may target. Default 100,000.</summary>
    public int MaxBulkDevices { get; set; } = 100_000;

    /// <summary>The bounds of a device list's projection: paths, values and characters per response.</summary>
    public Acs.Devices.ProjectionLimits Projection { get; } = new();

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the first bound that is not sensible.</summary>
    public ApiLimits Validate()
    {
        Http.Validate("api");
        ListenerLimits.Require(MaxBodyBytes is >= 1024 and <= 64 * 1024 * 1024, "api", "maxBodyBytes", "between 1 KiB and 64 MiB");
        ListenerLimits.Require(MaxJsonDepth is >= 4 and <= 256, "api", "maxJsonDepth", "between 4 and 256");
        ListenerLimits.Require(MaxPageSize is >= 1 and <= 1000, "api", "maxPageSize", "between 1 and 1000");
        ListenerLimits.Require(DefaultPageSize >= 1 && DefaultPageSize <= MaxPageSize, "api", "defaultPageSize", "between 1 and api.maxPageSize");
        ListenerLimits.Require(MaxBulkDevices is >= 1 and <= 10_000_000, "api", "maxBulkDevices", "between 1 and 10,000,000");
        Projection.Validate();
        return this;
    }
}
