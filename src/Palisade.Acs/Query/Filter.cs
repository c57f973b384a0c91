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

    /// <summary>An event code of the last Inform (<c>event = "1 BOOT"</c>).</summary>
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
public sealed record Comparison(FieldKind Kind, string Field, FilterOperator Operator, FilterValue? Value) : Filter;
