using Palisade.Cwmp.Envelope;
using Palisade.Cwmp.Messages;

namespace Palisade.Cwmp.Codec;

/// <summary>The envelope and header half of the parser; message bodies are in the other parts of this class.</summary>
internal sealed partial class MessageReader(BoundedXmlReader reader)
{
    private readonly BoundedXmlReader _r = reader;
    private CwmpVersion? _version;

    public CwmpEnvelope ReadEnvelope()
    {
        _r.MoveToDocumentElement();
        if (_r.LocalName != "Envelope" || _r.NamespaceUri != CwmpVersions.SoapEnvelopeNamespace)
        {
            throw new CwmpException(CwmpErrorReason.NotSoapEnvelope, $"The root element is <{ClientText.Clip(_r.LocalName)}> in '{ClientText.Clip(_r.NamespaceUri)}', not a SOAP 1.1 Envelope.");
        }

        var header = CwmpHeader.Empty;
        CwmpMessage? body = null;
        var sawBody = false;
        if (_r.ReadToFirstChild())
        {
            var depth = _r.Depth;
            do
            {
                if (_r.NamespaceUri == CwmpVersions.SoapEnvelopeNamespace && _r.LocalName == "Header" && !sawBody)
                {
                    header = ReadHeader();
                }
                else if (_r.NamespaceUri == CwmpVersions.SoapEnvelopeNamespace && _r.LocalName == "Body" && !sawBody)
                {
                    sawBody = true;
                    body = ReadBody();
                }
                else
                {
                    throw new CwmpException(CwmpErrorReason.NotSoapEnvelope, $"Unexpected <{ClientText.Clip(_r.LocalName)}> in the SOAP Envelope.");
                }
            }
            while (_r.ReadToNextSibling(depth));
        }

        if (!sawBody)
        {
            throw new CwmpException(CwmpErrorReason.NotSoapEnvelope, "The SOAP Envelope has no Body.");
        }

        EnsureEndOfDocument();
        var version = _version ?? (body is null ? CwmpVersions.Latest : CwmpVersion.V1_0);
        return new CwmpEnvelope(version, header, body);
    }

    private void EnsureEndOfDocument()
    {
        while (_r.Read())
        {
            if (_r.IsStartElement)
            {
                throw new CwmpException(CwmpErrorReason.MalformedXml, "Content after the SOAP Envelope.");
            }
        }
    }

    private CwmpHeader ReadHeader()
    {
        var header = CwmpHeader.Empty;
        if (!_r.ReadToFirstChild())
        {
            return header;
        }

        var depth = _r.Depth;
        do
        {
            if (!NoteNamespace(_r.NamespaceUri))
            {
                _r.Skip();
                continue;
            }

            var mustUnderstand = _r.GetAttribute("mustUnderstand", CwmpVersions.SoapEnvelopeNamespace);
            switch (_r.LocalName)
            {
                case "ID":
                    header = header with { IdMustUnderstand = mustUnderstand is "1" or "true", Id = _r.ReadText() };
                    break;
                case "HoldRequests":
                    header = header with { HoldRequests = Bool(_r.ReadText(), "HoldRequests") };
                    break;
                case "NoMoreRequests":
                    header = header with { NoMoreRequests = Bool(_r.ReadText(), "NoMoreRequests") };
                    break;
                case "SessionTimeout":
                    header = header with { SessionTimeout = UInt(_r.ReadText(), "SessionTimeout") };
                    break;
                case "SupportedCWMPVersions":
                    header = header with { SupportedCwmpVersions = SplitVersions(_r.ReadText()) };
                    break;
                case "UseCWMPVersion":
                    header = header with { UseCwmpVersion = _r.ReadText().Trim() };
                    break;
                default:
                    // Unknown CWMP header elements from newer amendments are ignored, as SOAP
                    // allows for elements without mustUnderstand.
                    _r.Skip();
                    break;
            }
        }
        while (_r.ReadToNextSibling(depth));

        return header;
    }

    private CwmpMessage? ReadBody()
    {
        if (!_r.ReadToFirstChild())
        {
            return null;
        }

        var depth = _r.Depth;
        CwmpMessage message;
        if (_r.LocalName == "Fault" && _r.NamespaceUri == CwmpVersions.SoapEnvelopeNamespace)
        {
            message = ReadSoapFault();
        }
        else
        {
            var ns = _r.NamespaceUri;
            if (ns.Length != 0 && !NoteNamespace(ns))
            {
                throw new CwmpException(CwmpErrorReason.UnsupportedNamespace, $"<{ClientText.Clip(_r.LocalName)}> is in '{ClientText.Clip(ns)}', not a CWMP namespace.");
            }

            message = ReadMethod(_r.LocalName);
        }

        if (_r.ReadToNextSibling(depth))
        {
            throw new CwmpException(CwmpErrorReason.InvalidArguments, "The SOAP Body holds more than one message.");
        }

        return message;
    }

    /// <summary>Records the CWMP version of the first CWMP namespace seen; false for non-CWMP namespaces.</summary>
    private bool NoteNamespace(string ns)
    {
        if (!CwmpVersions.TryFromNamespace(ns, out var version))
        {
            return false;
        }

        _version ??= version;
        return true;
    }

    private static EquatableList<string> SplitVersions(string text) =>
        EquatableList<string>.FromArray(text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
}
