using System.Collections;
using System.Runtime.CompilerServices;

namespace Palisade.Cwmp;

/// <summary>
/// An immutable list compared by content, so message records that hold lists have meaningful
/// value equality (a parsed message equals the one that was written).
/// </summary>
/// <typeparam name="T">The element type.</typeparam>
[CollectionBuilder(typeof(EquatableList), nameof(EquatableList.Create))]
public sealed class EquatableList<T> : IReadOnlyList<T>, IEquatable<EquatableList<T>>
{
    private readonly T[] _items;

    /// <summary>Wraps a copy of <paramref name="items"/>.</summary>
    public EquatableList(IEnumerable<T> items)
    {
        ArgumentNullException.ThrowIfNull(items);
        _items = items.ToArray();
    }

    private EquatableList(T[] items, bool _) => _items = items;

    /// <summary>The empty list.</summary>
    public static EquatableList<T> Empty { get; } = new([], true);

    /// <inheritdoc />
    public int Count => _items.Length;

    /// <inheritdoc />
    public T this[int index] => _items[index];

    /// <summary>Lets a plain array stand where a list is expected.</summary>
    public static implicit operator EquatableList<T>(T[] items) => new(items);

    /// <summary>Lets a <see cref="List{T}"/> stand where a list is expected.</summary>
    public static implicit operator EquatableList<T>(List<T> items) => new(items);

    /// <summary>Content equality.</summary>
    public static bool operator ==(EquatableList<T>? left, EquatableList<T>? right) =>
        left is null ? right is null : left.Equals(right);

    /// <summary>Content inequality.</summary>
    public static bool operator !=(EquatableList<T>? left, EquatableList<T>? right) => !(left == right);

    internal static EquatableList<T> Adopt(T[] items) => items.Length == 0 ? Empty : new(items, true);

    /// <summary>Wraps an array the caller promises not to change.</summary>
    public static EquatableList<T> FromArray(T[] items) => Adopt(items ?? throw new ArgumentNullException(nameof(items)));

    /// <inheritdoc />
    public bool Equals(EquatableList<T>? other) =>
        other is not null && (ReferenceEquals(this, other) || _items.AsSpan().SequenceEqual(other._items, EqualityComparer<T>.Default));

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is EquatableList<T> other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach (var item in _items)
        {
            hash.Add(item);
        }

        return hash.ToHashCode();
    }

    /// <inheritdoc />
    public IEnumerator<T> GetEnumerator() => ((IEnumerable<T>)_items).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => _items.GetEnumerator();

    /// <inheritdoc />
    public override string ToString() => $"[{string.Join(", ", _items)}]";
}

/// <summary>Factory for <see cref="EquatableList{T}"/>, also used by collection expressions.</summary>
public static class EquatableList
{
    /// <summary>Copies <paramref name="items"/> into a new list.</summary>
    public static EquatableList<T> Create<T>(ReadOnlySpan<T> items) => EquatableList<T>.Adopt(items.ToArray());
}
