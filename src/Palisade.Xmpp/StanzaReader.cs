using System.Xml;
using System.Xml.Linq;

namespace Palisade.Xmpp;

/// <summary>
/// Reads an XMPP stream (RFC 6120 §4) one top-level stanza at a time, as restricted XML (§11.1): no DTD, no comments,
/// no processing instructions, stanzas within <see cref="XmppLimits.MaxStanzaBytes"/> and
/// <see cref="XmppLimits.MaxDepth"/>. Anything else ends the stream with an <see cref="XmppException"/>.
/// </summary>
internal sealed class StanzaReader : IDisposable
{
    private const string XmlnsNamespace = "http://www.w3.org/2000/xmlns/";
    private readonly MeteredStream _input;
    private readonly XmlReader _xml;
    private readonly int _maxDepth;

    public StanzaReader(Stream stream, XmppLimits limits)
    {
        ArgumentNullException.ThrowIfNull(limits);
        _maxDepth = limits.MaxDepth;
        _input = new MeteredStream(stream, limits.MaxStanzaBytes);
        _xml = XmlReader.Create(_input, new XmlReaderSettings
        {
            Async = true,
            DtdProcessing = DtdProcessing.Prohibit,
            XmlResolver = null,
            CloseInput = false,
            IgnoreComments = false,
            IgnoreProcessingInstructions = false,
            MaxCharactersFromEntities = 1024,
        });
    }

    /// <summary>Reads up to and including the server's <c>&lt;stream:stream&gt;</c>; returns it (its attributes, no children).</summary>
    public async Task<XElement> ReadHeaderAsync(CancellationToken cancellationToken)
    {
        while (await ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            switch (_xml.NodeType)
            {
                case XmlNodeType.XmlDeclaration or XmlNodeType.Whitespace:
                    continue;
                case XmlNodeType.Element when _xml.LocalName == "stream" && _xml.NamespaceURI == XmppNames.Streams && !_xml.IsEmptyElement:
                    var header = Start();
                    _input.Reset();
                    return header;
                default:
                    throw new XmppException($"expected the server's stream header, got {Describe()}");
            }
        }

        throw new XmppException("the server closed the connection before its stream header");
    }

    /// <summary>The next stanza (or other top-level element such as stream:features); null when the server closed the stream.</summary>
    public async Task<XElement?> ReadStanzaAsync(CancellationToken cancellationToken)
    {
        _input.Reset();
        while (await ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            switch (_xml.NodeType)
            {
                case XmlNodeType.Whitespace:
                    // A whitespace keep-alive between stanzas.
                    _input.Reset();
                    continue;
                case XmlNodeType.EndElement when _xml.Depth == 0:
                    return null;
                case XmlNodeType.Element when _xml.Depth == 1:
                    return await ReadElementAsync(cancellationToken).ConfigureAwait(false);
                default:
                    throw new XmppException($"unexpected {Describe()} between stanzas");
            }
        }

        throw new XmppException("the server closed the connection without closing the stream");
    }

    public void Dispose()
    {
        _xml.Dispose();
        _input.Dispose();
    }

    private async Task<XElement> ReadElementAsync(CancellationToken cancellationToken)
    {
        var top = _xml.Depth;
        var root = Start();
        if (_xml.IsEmptyElement)
        {
            return root;
        }

        var current = root;
        while (await ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            switch (_xml.NodeType)
            {
                case XmlNodeType.Element:
                    if (_xml.Depth - top >= _maxDepth)
                    {
                        throw new XmppException($"the server sent a stanza nested deeper than {_maxDepth} elements");
                    }

                    var child = Start();
                    current.Add(child);
                    if (!_xml.IsEmptyElement)
                    {
                        current = child;
                    }

                    break;
                case XmlNodeType.Text or XmlNodeType.CDATA or XmlNodeType.Whitespace or XmlNodeType.SignificantWhitespace:
                    current.Add(new XText(_xml.Value));
                    break;
                case XmlNodeType.EndElement:
                    if (ReferenceEquals(current, root))
                    {
                        return root;
                    }

                    current = current.Parent ?? root;
                    break;
                default:
                    throw new XmppException($"the server sent {Describe()} inside a stanza (restricted XML, RFC 6120 §11.1)");
            }
        }

        throw new XmppException("the server closed the connection in the middle of a stanza");
    }

    private XElement Start()
    {
        var element = new XElement(XName.Get(_xml.LocalName, _xml.NamespaceURI));
        if (_xml.MoveToFirstAttribute())
        {
            do
            {
                if (_xml.NamespaceURI != XmlnsNamespace)
                {
                    element.SetAttributeValue(XName.Get(_xml.LocalName, _xml.NamespaceURI), _xml.Value);
                }
            }
            while (_xml.MoveToNextAttribute());

            _xml.MoveToElement();
        }

        return element;
    }

    private async Task<bool> ReadAsync(CancellationToken cancellationToken)
    {
        _input.Token = cancellationToken;
        try
        {
            return await _xml.ReadAsync().ConfigureAwait(false);
        }
        catch (XmlException e)
        {
            throw new XmppException("the server sent malformed or prohibited XML: " + e.Message, e);
        }
    }

    private string Describe() => _xml.NodeType switch
    {
        XmlNodeType.Element or XmlNodeType.EndElement => $"{_xml.NodeType} <{_xml.Name}>",
        _ => _xml.NodeType.ToString(),
    };
}
