using System.Text;
using System.Xml;

namespace Palisade.Cwmp.Codec;

/// <summary>
/// An <see cref="XmlReader"/> wrapper through which the parser does every read, so that the
/// depth, element-count, string-length and array-length limits hold for every part of a body,
/// skipped parts included. DTDs are prohibited and nothing is ever resolved.
/// </summary>
internal sealed class BoundedXmlReader : IDisposable
{
    private static readonly XmlReaderSettings Template = new()
    {
        DtdProcessing = DtdProcessing.Prohibit,
        XmlResolver = null,
        IgnoreComments = true,
        IgnoreProcessingInstructions = true,
        IgnoreWhitespace = false,
        CheckCharacters = true,
        MaxCharactersFromEntities = 1024,
        CloseInput = false,
        ConformanceLevel = ConformanceLevel.Document,
    };

    // The settings of the last body limit used (limits are mutable, so keyed by the value, not the object):
    // XmlReader.Create only reads them, so parses share them instead of cloning the template each time.
    private static Tuple<int, XmlReaderSettings>? _lastSettings;

    private readonly XmlReader _reader;
    private readonly CwmpLimits _limits;
    private int _elements;

    static BoundedXmlReader()
    {
        // Deployed CPEs declare ISO-8859-1 or windows-1252 in the XML declaration; without the
        // code-pages provider those documents could not be decoded at all.
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
    }

    public BoundedXmlReader(Stream input, CwmpLimits limits)
    {
        _limits = limits;
        _reader = XmlReader.Create(input, SettingsFor(limits.MaxBodyBytes));
    }

    public XmlReader Raw => _reader;

    private static XmlReaderSettings SettingsFor(int maxBodyBytes)
    {
        if (Volatile.Read(ref _lastSettings) is { } last && last.Item1 == maxBodyBytes)
        {
            return last.Item2;
        }

        var settings = Template.Clone();
        settings.MaxCharactersInDocument = maxBodyBytes;
        Volatile.Write(ref _lastSettings, Tuple.Create(maxBodyBytes, settings));
        return settings;
    }

    public string LocalName => _reader.LocalName;

    public string NamespaceUri => _reader.NamespaceURI;

    public int Depth => _reader.Depth;

    public bool IsStartElement => _reader.NodeType == XmlNodeType.Element;

    public bool IsEmptyElement => _reader.IsEmptyElement;

    public XmlNodeType NodeType => _reader.NodeType;

    /// <summary>Reads the next node and enforces the limits on it.</summary>
    public bool Read()
    {
        if (!_reader.Read())
        {
            return false;
        }

        if (_reader.NodeType == XmlNodeType.Element)
        {
            OnElement();
        }
        else if (_reader.NodeType is XmlNodeType.Text or XmlNodeType.CDATA && _reader.Value.Length > _limits.MaxStringLength)
        {
            throw TooLong();
        }

        return true;
    }

    /// <summary>Moves to the document element, checking it.</summary>
    public void MoveToDocumentElement()
    {
        if (_reader.MoveToContent() != XmlNodeType.Element)
        {
            throw new CwmpException(CwmpErrorReason.NotSoapEnvelope, "The body has no root element.");
        }

        OnElement();
    }

    /// <summary>An attribute's value by local name and namespace, or null.</summary>
    public string? GetAttribute(string localName, string ns) => _reader.GetAttribute(localName, ns);

    /// <summary>
    /// From a start element, moves to its first child element. Returns false (positioned after
    /// the element) when it has none.
    /// </summary>
    public bool ReadToFirstChild()
    {
        if (_reader.IsEmptyElement)
        {
            Read();
            return false;
        }

        var depth = _reader.Depth;
        while (Read())
        {
            if (_reader.NodeType == XmlNodeType.Element)
            {
                return true;
            }

            if (_reader.NodeType == XmlNodeType.EndElement && _reader.Depth == depth)
            {
                Read();
                return false;
            }

            if (_reader.NodeType is XmlNodeType.Text or XmlNodeType.CDATA)
            {
                throw new CwmpException(CwmpErrorReason.InvalidArguments, $"Unexpected text inside <{ClientText.Clip(_reader.LocalName)}>.");
            }
        }

        throw Truncated();
    }

    /// <summary>
    /// After a child element was consumed (reader on the node following it), moves to the next
    /// sibling element at <paramref name="childDepth"/>. Returns false (positioned after the
    /// parent's end tag) when there is none.
    /// </summary>
    public bool ReadToNextSibling(int childDepth)
    {
        while (true)
        {
            switch (_reader.NodeType)
            {
                case XmlNodeType.Element when _reader.Depth == childDepth:
                    return true;
                case XmlNodeType.EndElement when _reader.Depth == childDepth - 1:
                    Read();
                    return false;
                case XmlNodeType.Text or XmlNodeType.CDATA:
                    throw new CwmpException(CwmpErrorReason.InvalidArguments, "Unexpected text between elements.");
                case XmlNodeType.None:
                    throw Truncated();
            }

            if (!Read())
            {
                throw Truncated();
            }
        }
    }

    /// <summary>Reads the text content of a simple element and moves past it. Child elements are an error.</summary>
    public string ReadText()
    {
        if (_reader.IsEmptyElement)
        {
            Read();
            return string.Empty;
        }

        var depth = _reader.Depth;
        string? single = null;
        StringBuilder? many = null;
        while (Read())
        {
            switch (_reader.NodeType)
            {
                case XmlNodeType.Text or XmlNodeType.CDATA or XmlNodeType.SignificantWhitespace or XmlNodeType.Whitespace:
                    if (single is null)
                    {
                        // Read checks text and CDATA; whitespace is checked here, where it becomes a value.
                        single = _reader.Value;
                        if (single.Length > _limits.MaxStringLength)
                        {
                            throw TooLong();
                        }
                    }
                    else
                    {
                        many ??= new StringBuilder(single);
                        many.Append(_reader.Value);
                        if (many.Length > _limits.MaxStringLength)
                        {
                            throw TooLong();
                        }
                    }

                    break;
                case XmlNodeType.EndElement when _reader.Depth == depth:
                    Read();
                    return many?.ToString() ?? single ?? string.Empty;
                case XmlNodeType.Element:
                    throw new CwmpException(CwmpErrorReason.InvalidArguments, $"Element <{ClientText.Clip(_reader.LocalName)}> where a value was expected.");
            }
        }

        throw Truncated();
    }

    /// <summary>Skips the current element and everything in it, with the limits still applied.</summary>
    public void Skip()
    {
        if (_reader.IsEmptyElement)
        {
            Read();
            return;
        }

        var depth = _reader.Depth;
        while (Read())
        {
            if (_reader.NodeType == XmlNodeType.EndElement && _reader.Depth == depth)
            {
                Read();
                return;
            }
        }

        throw Truncated();
    }

    /// <summary>Checks an array's running item count.</summary>
    public void CheckArrayLength(int count)
    {
        if (count > _limits.MaxArrayLength)
        {
            throw new CwmpException(CwmpErrorReason.ArrayTooLong, $"An array has more than {_limits.MaxArrayLength} items.");
        }
    }

    public void Dispose() => _reader.Dispose();

    private void OnElement()
    {
        if (++_elements > _limits.MaxElements)
        {
            throw new CwmpException(CwmpErrorReason.TooManyElements, $"The body has more than {_limits.MaxElements} elements.");
        }

        if (_reader.Depth >= _limits.MaxDepth)
        {
            throw new CwmpException(CwmpErrorReason.DepthExceeded, $"Elements nest deeper than {_limits.MaxDepth} levels.");
        }

        if (_reader.HasAttributes)
        {
            for (var i = 0; i < _reader.AttributeCount; i++)
            {
                if (_reader.GetAttribute(i).Length > _limits.MaxStringLength)
                {
                    throw TooLong();
                }
            }
        }
    }

    private CwmpException TooLong() =>
        new(CwmpErrorReason.StringTooLong, $"A value is longer than {_limits.MaxStringLength} characters.");

    private static CwmpException Truncated() =>
        new(CwmpErrorReason.MalformedXml, "The body ends before the document is complete.");
}
