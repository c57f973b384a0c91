using System.Xml;

namespace Palisade.Cwmp.Codec;

/// <summary>
/// The name table a thread keeps from one parse to the next, so that the names every CWMP body uses (Envelope,
/// ParameterValueStruct, the namespaces, xsi:type ...) are not allocated and hashed into a new table for each body.
/// A hostile body chooses its own names and could fill the table: one that holds more than
/// <see cref="MaxNames"/> after a parse is dropped, and the next parse starts a fresh one. Only names go in here,
/// never text or attribute values.
/// </summary>
internal sealed class ReusedNameTable : XmlNameTable
{
    /// <summary>More names than the CWMP vocabulary and its usual prefixes need, far fewer than a body may carry.</summary>
    public const int MaxNames = 512;

    [ThreadStatic]
    private static ReusedNameTable? _kept;

    private readonly NameTable _names = new();

    /// <summary>Names added so far.</summary>
    public int Count { get; private set; }

    /// <summary>The table this thread kept, or a new one; hand it back with <see cref="Return"/> when the parse is over.</summary>
    public static ReusedNameTable Rent()
    {
        var table = _kept ?? new ReusedNameTable();
        _kept = null;
        return table;
    }

    /// <summary>Keeps <paramref name="table"/> for the thread's next parse, unless it has grown past <see cref="MaxNames"/>.</summary>
    public static void Return(ReusedNameTable table)
    {
        if (table.Count <= MaxNames)
        {
            _kept = table;
        }
    }

    /// <inheritdoc />
    public override string Add(char[] array, int offset, int length) =>
        _names.Get(array, offset, length) ?? Added(_names.Add(array, offset, length));

    /// <inheritdoc />
    public override string Add(string array) => _names.Get(array) ?? Added(_names.Add(array));

    /// <inheritdoc />
    public override string? Get(char[] array, int offset, int length) => _names.Get(array, offset, length);

    /// <inheritdoc />
    public override string? Get(string array) => _names.Get(array);

    private string Added(string name)
    {
        Count++;
        return name;
    }
}
