using System.Text;
using Palisade.Cwmp.Codec;
using Palisade.Cwmp.Faults;

namespace Palisade.Cwmp.Tests.Codec;

/// <summary>The attack corpus: every body is rejected with its precise reason, quickly and without large allocations.</summary>
public sealed class HostileInputTests
{
    private const string Head = """<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" xmlns:cwmp="urn:dslforum-org:cwmp-1-0"><soap:Body>""";
    private const string Tail = "</soap:Body></soap:Envelope>";

    [Fact]
    public void Xxe_file_read_is_rejected_as_a_prohibited_dtd()
    {
        var body = """<?xml version="1.0"?><!DOCTYPE foo [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>""" + Head + "<cwmp:GetRPCMethodsResponse><MethodList><string>&xxe;</string></MethodList></cwmp:GetRPCMethodsResponse>" + Tail;

        AssertRejected(body, CwmpErrorReason.DtdProhibited);
    }

    [Fact]
    public void External_dtd_is_rejected_without_being_fetched()
    {
        var body = """<?xml version="1.0"?><!DOCTYPE soap:Envelope SYSTEM "http://127.0.0.1:9/evil.dtd">""" + Head + Tail;

        AssertRejected(body, CwmpErrorReason.DtdProhibited);
    }

    [Fact]
    public void Billion_laughs_is_rejected_before_any_expansion()
    {
        var entities = new StringBuilder("""<!ENTITY lol "lol">""");
        for (var i = 1; i < 10; i++)
        {
            entities.Append($"<!ENTITY lol{i} \"{string.Concat(Enumerable.Repeat($"&lol{(i == 1 ? "" : (i - 1).ToString(System.Globalization.CultureInfo.InvariantCulture))};", 10))}\">");
        }

        var body = $"<?xml version=\"1.0\"?><!DOCTYPE lolz [{entities}]>" + Head + "<x>&lol9;</x>" + Tail;

        AssertRejected(body, CwmpErrorReason.DtdProhibited);
    }

    [Fact]
    public void Dtd_in_utf16_is_rejected_by_the_parser_itself()
    {
        var text = """<?xml version="1.0" encoding="utf-16"?><!DOCTYPE foo [<!ENTITY x "y">]>""" + Head + Tail;
        var body = Encoding.Unicode.GetPreamble().Concat(Encoding.Unicode.GetBytes(text)).ToArray();

        var error = Assert.Throws<CwmpException>(() => CwmpReader.Parse(body));
        Assert.Equal(CwmpErrorReason.DtdProhibited, error.Reason);
    }

    [Fact]
    public void Hundred_megabyte_body_is_rejected_before_parsing()
    {
        var body = new byte[100 * 1024 * 1024];

        var error = Assert.Throws<CwmpException>(() => CwmpReader.Parse(body));

        Assert.Equal(CwmpErrorReason.BodyTooLarge, error.Reason);
        Assert.Equal(413, error.HttpStatusCode);
    }

    [Fact]
    public void Oversize_stream_is_cut_off_while_reading()
    {
        var limits = new CwmpLimits { MaxBodyBytes = 64 * 1024 };
        using var stream = new EndlessStream(Encoding.UTF8.GetBytes(Head + "<cwmp:GetRPCMethodsResponse><MethodList>"), Encoding.UTF8.GetBytes("<string>GetRPCMethods</string>"));

        var error = Assert.Throws<CwmpException>(() => CwmpReader.Parse(stream, limits));

        Assert.Equal(CwmpErrorReason.BodyTooLarge, error.Reason);
        Assert.True(stream.Position < 1024 * 1024, "the reader stopped soon after the limit");
    }

    [Fact]
    public void Ten_thousand_deep_nesting_is_rejected()
    {
        var body = Head + "<cwmp:GetRPCMethods>" + string.Concat(Enumerable.Repeat("<a>", 10_000)) + string.Concat(Enumerable.Repeat("</a>", 10_000)) + "</cwmp:GetRPCMethods>" + Tail;

        AssertRejected(body, CwmpErrorReason.DepthExceeded);
    }

    [Fact]
    public void Deep_nesting_inside_an_ignored_header_element_is_rejected_too()
    {
        var body = """<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Header><x:Vendor xmlns:x="urn:x">"""
            + string.Concat(Enumerable.Repeat("<a>", 500)) + string.Concat(Enumerable.Repeat("</a>", 500)) + "</x:Vendor></soap:Header><soap:Body/></soap:Envelope>";

        AssertRejected(body, CwmpErrorReason.DepthExceeded);
    }

    [Fact]
    public void Invalid_utf8_is_rejected_as_malformed()
    {
        var prefix = Encoding.UTF8.GetBytes(Head + "<cwmp:GetRPCMethodsResponse><MethodList><string>");
        var suffix = Encoding.UTF8.GetBytes("</string></MethodList></cwmp:GetRPCMethodsResponse>" + Tail);
        byte[] body = [.. prefix, 0xC3, 0x28, 0xFF, 0xFE, .. suffix];

        var error = Assert.Throws<CwmpException>(() => CwmpReader.Parse(body));

        Assert.Equal(CwmpErrorReason.MalformedXml, error.Reason);
        Assert.Equal(400, error.HttpStatusCode);
    }

    [Fact]
    public void Huge_attribute_is_rejected()
    {
        var body = Head + $"<cwmp:GetRPCMethods junk=\"{new string('A', 1_000_000)}\"/>" + Tail;

        AssertRejected(body, CwmpErrorReason.StringTooLong);
    }

    [Fact]
    public void Huge_text_value_is_rejected()
    {
        var body = Head + $"<cwmp:Reboot><CommandKey>{new string('k', 100_000)}</CommandKey></cwmp:Reboot>" + Tail;

        AssertRejected(body, CwmpErrorReason.StringTooLong);
    }

    [Fact]
    public void Unterminated_document_is_rejected()
    {
        AssertRejected(Head + "<cwmp:Inform><DeviceId><OUI>00D09E</OUI>", CwmpErrorReason.MalformedXml);
    }

    [Fact]
    public void Too_many_array_items_are_rejected()
    {
        var limits = new CwmpLimits { MaxArrayLength = 10 };
        var body = Head + "<cwmp:GetParameterValues><ParameterNames>" + string.Concat(Enumerable.Repeat("<string>Device.</string>", 11)) + "</ParameterNames></cwmp:GetParameterValues>" + Tail;

        var error = Assert.Throws<CwmpException>(() => CwmpReader.Parse(Encoding.UTF8.GetBytes(body), limits));

        Assert.Equal(CwmpErrorReason.ArrayTooLong, error.Reason);
    }

    [Fact]
    public void Too_many_elements_are_rejected()
    {
        var limits = new CwmpLimits { MaxElements = 100 };
        var body = Head + "<cwmp:GetRPCMethods>" + string.Concat(Enumerable.Repeat("<x/>", 200)) + "</cwmp:GetRPCMethods>" + Tail;

        var error = Assert.Throws<CwmpException>(() => CwmpReader.Parse(Encoding.UTF8.GetBytes(body), limits));

        Assert.Equal(CwmpErrorReason.TooManyElements, error.Reason);
    }

    [Fact]
    public void Content_after_the_envelope_is_rejected()
    {
        AssertRejected(Head + "<cwmp:GetRPCMethods/>" + Tail + "<more/>", CwmpErrorReason.MalformedXml);
    }

    [Theory]
    [InlineData("<html><body>hello</body></html>")]
    [InlineData("""<Envelope xmlns="http://www.w3.org/2003/05/soap-envelope"><Body/></Envelope>""")]
    [InlineData("""<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Header/></soap:Envelope>""")]
    public void Documents_that_are_not_soap_1_1_envelopes_are_rejected(string body)
    {
        AssertRejected(body, CwmpErrorReason.NotSoapEnvelope);
    }

    [Fact]
    public void A_method_in_a_foreign_namespace_is_rejected()
    {
        var body = """<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body><x:Inform xmlns:x="urn:evil"/></soap:Body></soap:Envelope>""";

        AssertRejected(body, CwmpErrorReason.UnsupportedNamespace);
    }

    [Fact]
    public void Unknown_method_maps_to_method_not_supported_on_each_side()
    {
        var error = Assert.Throws<CwmpException>(() => CwmpReader.Parse(Encoding.UTF8.GetBytes(Head + "<cwmp:X_Vendor_Do/>" + Tail)));

        Assert.Equal(CwmpErrorReason.UnknownMethod, error.Reason);
        Assert.Null(error.HttpStatusCode);
        Assert.Equal(FaultCode.AcsMethodNotSupported, error.FaultCodeFor(CwmpRole.Acs));
        Assert.Equal(FaultCode.MethodNotSupported, error.FaultCodeFor(CwmpRole.Cpe));
    }

    private static void AssertRejected(string body, CwmpErrorReason reason)
    {
        var error = Assert.Throws<CwmpException>(() => CwmpReader.Parse(Encoding.UTF8.GetBytes(body)));
        Assert.Equal(reason, error.Reason);
    }

    /// <summary>A stream that yields a prefix and then repeats a chunk forever.</summary>
    private sealed class EndlessStream(byte[] prefix, byte[] chunk) : Stream
    {
        private long _position;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => _position;
            set => throw new NotSupportedException();
        }

        public override int Read(byte[] buffer, int offset, int count)
        {
            for (var i = 0; i < count; i++)
            {
                buffer[offset + i] = _position < prefix.Length ? prefix[_position] : chunk[(_position - prefix.Length) % chunk.Length];
                _position++;
            }

            return count;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
