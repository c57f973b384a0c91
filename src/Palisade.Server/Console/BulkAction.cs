namespace Palisade.Server.Console;

/// <summary>A bulk action from the device list's form: a tag, a task or a firmware campaign, on the selected devices or the whole filter.</summary>
public sealed class BulkAction
{
    /// <summary><c>tag</c>, <c>task</c> or <c>campaign</c> (which opens the campaign form with those devices).</summary>
    public string? Kind { get; set; }

    public string? Tag { get; set; }

    /// <summary>True to remove the tag instead of adding it.</summary>
    public bool Remove { get; set; }

    /// <summary>The task's name.</summary>
    public string? Task { get; set; }

    /// <summary>The object or parameter path a task needs.</summary>
    public string? Path { get; set; }

    /// <summary>True: every device the filter matches; false: the selected ones.</summary>
    public bool ByFilter { get; set; }

    /// <summary>The selected device ids.</summary>
    public List<string> Selected { get; set; } = [];

    /// <summary>How many devices the action will touch (shown for confirmation).</summary>
    public long Count { get; set; }
}
