using System.Globalization;
using System.Xml;
using Palisade.Cwmp.Envelope;
using Palisade.Cwmp.Messages;
using Palisade.Cwmp.Structs;
using Palisade.Cwmp.Values;

namespace Palisade.Cwmp.Codec;

/// <summary>The envelope, header, shared structures and arrays; message bodies are in MessageWriter.Methods.cs.</summary>
internal sealed partial class MessageWriter(XmlWriter writer, CwmpVersion version)
{
    private const string Soap = "soap";
    private const string SoapEnc = "soap-enc";
    private const string Cwmp = "cwmp";
    private readonly XmlWriter _w = writer;
    private readonly string _ns = CwmpVersions.NamespaceOf(version);

    public void WriteEnvelope(CwmpEnvelope envelope)
    {
        _w.WriteStartDocument();
        _w.WriteStartElement(Soap, "Envelope", CwmpVersions.SoapEnvelopeNamespace);
        _w.WriteAttributeString("xmlns", SoapEnc, null, CwmpVersions.SoapEncodingNamespace);
        _w.WriteAttributeString("xmlns", "xsd", null, CwmpVersions.XsdNamespace);
        _w.WriteAttributeString("xmlns", "xsi", null, CwmpVersions.XsiNamespace);
        _w.WriteAttributeString("xmlns", Cwmp, null, _ns);
        WriteHeader(envelope.Header);
        _w.WriteStartElement(Soap, "Body", CwmpVersions.SoapEnvelopeNamespace);
        if (envelope.Body is CwmpFault fault)
        {
            WriteFault(fault);
        }
        else if (envelope.Body is { } body)
        {
            _w.WriteStartElement(Cwmp, body.MethodName, _ns);
            WriteBody(body);
            _w.WriteEndElement();
        }

        _w.WriteEndElement();
        _w.WriteEndElement();
        _w.WriteEndDocument();
    }

    private void WriteHeader(CwmpHeader header)
    {
        var any = header.Id is not null || header.HoldRequests is not null || header.NoMoreRequests is not null
            || header.SessionTimeout is not null || header.SupportedCwmpVersions is not null || header.UseCwmpVersion is not null;
        if (!any)
        {
            return;
        }

        _w.WriteStartElement(Soap, "Header", CwmpVersions.SoapEnvelopeNamespace);
        if (header.Id is { } id)
        {
            HeaderElement("ID", id, header.IdMustUnderstand ? "1" : null);
        }

        if (header.HoldRequests is { } hold)
        {
            HeaderElement("HoldRequests", Bool(hold), "1");
        }

        // NoMoreRequests exists only in CWMP 1.0 (TR-069 Amendment 1); later versions deprecate it.
        if (header.NoMoreRequests is { } noMore && version == CwmpVersion.V1_0)
        {
            HeaderElement("NoMoreRequests", Bool(noMore), null);
        }

        if (header.SessionTimeout is { } timeout)
        {
            RequireVersion(CwmpVersion.V1_2, "SessionTimeout");
            HeaderElement("SessionTimeout", timeout.ToString(CultureInfo.InvariantCulture), "0");
        }

        if (header.SupportedCwmpVersions is { } supported)
        {
            RequireVersion(CwmpVersion.V1_2, "SupportedCWMPVersions");
            HeaderElement("SupportedCWMPVersions", string.Join(',', supported), "0");
        }

        if (header.UseCwmpVersion is { } use)
        {
            RequireVersion(CwmpVersion.V1_2, "UseCWMPVersion");
            HeaderElement("UseCWMPVersion", use, "1");
        }

        _w.WriteEndElement();
    }

    private void RequireVersion(CwmpVersion minimum, string element)
    {
        // These 1.3/1.4 header elements live in the cwmp-1-2 namespace; older namespaces lack them.
        if (version < minimum)
        {
            throw new ArgumentException($"The {element} header does not exist in CWMP {CwmpVersions.ToText(version)}.");
        }
    }

    private void HeaderElement(string name, string value, string? mustUnderstand)
    {
        _w.WriteStartElement(Cwmp, name, _ns);
        if (mustUnderstand is not null)
        {
            _w.WriteAttributeString(Soap, "mustUnderstand", CwmpVersions.SoapEnvelopeNamespace, mustUnderstand);
        }

        _w.WriteString(value);
        _w.WriteEndElement();
    }

    private void WriteFault(CwmpFault fault)
    {
        _w.WriteStartElement(Soap, "Fault", CwmpVersions.SoapEnvelopeNamespace);
        _w.WriteElementString("faultcode", fault.IsClientFault ? "Client" : "Server");
        _w.WriteElementString("faultstring", "CWMP fault");
        _w.WriteStartElement("detail");
        _w.WriteStartElement(Cwmp, "Fault", _ns);
        Element("FaultCode", fault.FaultCode);
        Element("FaultString", fault.FaultString);
        foreach (var item in fault.SetParameterValuesFaults)
        {
            _w.WriteStartElement("SetParameterValuesFault");
            Element("ParameterName", item.ParameterName);
            Element("FaultCode", item.FaultCode);
            Element("FaultString", item.FaultString);
            _w.WriteEndElement();
        }

        _w.WriteEndElement();
        _w.WriteEndElement();
        _w.WriteEndElement();
    }

    private void Element(string name, string value) => _w.WriteElementString(name, value);

    private void Element(string name, int value) => _w.WriteElementString(name, value.ToString(CultureInfo.InvariantCulture));

    private void Element(string name, uint value) => _w.WriteElementString(name, value.ToString(CultureInfo.InvariantCulture));

    private void Element(string name, bool value) => _w.WriteElementString(name, Bool(value));

    private void Element(string name, DateTimeOffset value) => _w.WriteElementString(name, CwmpDateTime.Format(value));

    private static string Bool(bool value) => value ? "true" : "false";

    /// <summary>A SOAP-ENC array (TR-069 A.2.2): the container with <c>arrayType</c>, then one element per item.</summary>
    private void Array<T>(string name, string itemType, IReadOnlyList<T> items, Action<MessageWriter, T> writeItem)
    {
        _w.WriteStartElement(name);
        _w.WriteAttributeString(SoapEnc, "arrayType", CwmpVersions.SoapEncodingNamespace, $"{itemType}[{items.Count.ToString(CultureInfo.InvariantCulture)}]");
        foreach (var item in items)
        {
            writeItem(this, item);
        }

        _w.WriteEndElement();
    }

    private void StringArray(string name, IReadOnlyList<string> items, string itemType = "xsd:string", string itemElement = "string")
    {
        _w.WriteStartElement(name);
        _w.WriteAttributeString(SoapEnc, "arrayType", CwmpVersions.SoapEncodingNamespace, $"{itemType}[{items.Count.ToString(CultureInfo.InvariantCulture)}]");
        foreach (var item in items)
        {
            _w.WriteElementString(itemElement, item);
        }

        _w.WriteEndElement();
    }

    private void ParameterValueList(string name, IReadOnlyList<ParameterValueStruct> items) =>
        Array(name, "cwmp:ParameterValueStruct", items, static (m, p) => m.ParameterValueStruct(p));

    private void ParameterValueStruct(ParameterValueStruct parameter)
    {
        _w.WriteStartElement("ParameterValueStruct");
        Element("Name", parameter.Name);
        _w.WriteStartElement("Value");
        _w.WriteAttributeString("xsi", "type", CwmpVersions.XsiNamespace, "xsd:" + parameter.Value.TypeName);
        _w.WriteString(parameter.Value.Text);
        _w.WriteEndElement();
        _w.WriteEndElement();
    }

    private void TransferFault(TransferFault fault)
    {
        _w.WriteStartElement("FaultStruct");
        Element("FaultCode", fault.FaultCode);
        Element("FaultString", fault.FaultString);
        _w.WriteEndElement();
    }
}
