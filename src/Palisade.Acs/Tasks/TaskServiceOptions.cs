namespace Palisade.Acs.Tasks;

/// <summary>The rules the task service applies to what operators queue.</summary>
public sealed class TaskServiceOptions
{
    /// <summary>At most this many devices get one bulk task (the API's <c>api.maxBulkDevices</c>). Default 100,000.</summary>
    public int MaxBulk { get; set; } = 100_000;

    /// <summary>Hosts a device's ManagementServer.URL may be set to.</summary>
    public IList<string> AcsUrlAllowList { get; } = [];

    /// <summary>The https ACS URL a moveToHttps task without a url moves devices to, or null when the server has none.</summary>
    public string? DefaultAcsUrl { get; set; }

    /// <summary>Tasks not done by then end as expired.</summary>
    public TimeSpan DefaultTaskExpiry { get; set; } = TimeSpan.FromDays(7);
}
