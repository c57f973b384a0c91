namespace Palisade.Acs.Query;

/// <summary>A parsed device filter (see <see cref="FilterParser"/>). Immutable; safe to translate to any store.</summary>
public abstract record Filter;

/// <summary>Both sides hold.</summary>
public sealed record AndFilter(Filter Left, Filter Right) : Filter;

/// <summary>Either side holds.</summary>
public sealed record OrFilter(Filter Left, Filter Right) : Filter;

/// <summary>The inner filter does not hold.</summary>
public sealed record NotFilter(Filter Inner) : Filter;

/// <summary>Comparison operators.</summary>
public enum FilterOperator
{
    Equal,
    NotEqual,
    Less,
    LessOrEqual,
    Greater,
    GreaterOrEqual,
    Like,
    NotLike,
    IsNull,
    IsNotNull,
}

/// <summary>What a comparison looks at.</summary>
public enum FieldKind
{
    /// <summary>A cached parameter by full path.</summary>
    Parameter,

    /// <summary>A tag (<c>tag = "beta"</c>).</summary>
    Tag,

    /// <summary>
    /// An event code of the last Inform (<c>event = "1 BOOT"</c>); with <c>SINCE</c>/<c>UNTIL</c>, of the device's event
    /// history in that window (<c>event = "10 AUTONOMOUS TRANSFER COMPLETE" SINCE now-7d</c>).
    /// </summary>
    Event,

    /// <summary>A registry field (<c>id</c>, <c>lastInform</c>, <c>softwareVersion</c>, …).</summary>
    Device,
}

/// <summary>A value to compare with: text, number or time.</summary>
public sealed record FilterValue(string? Text, double? Number, DateTimeOffset? Time)
{
    public override string ToString() => Time is { } t ? t.ToString("O", System.Globalization.CultureInfo.InvariantCulture) : Number?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? Text ?? "null";
}

/// <summary><c>field op value</c>.</summary>
public sealed record Comparison(FieldKind Kind, string Field, FilterOperator Operator, FilterValue? Value) : Filter
{
    /// <summary>For <see cref="FieldKind.Event"/>: the window's start (inclusive), or null.</summary>
    public DateTimeOffset? Since { get; init; }

    /// <summary>For <see cref="FieldKind.Event"/>: the window's end (exclusive), or null.</summary>
    public DateTimeOffset? Until { get; init; }

    /// <summary>True when an event comparison looks at the history in a window rather than at the last Inform.</summary>
    public bool HasWindow => Since is not null || Until is not null;
}
