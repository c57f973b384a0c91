using System.Text;
using Palisade.Cwmp.Codec;
using Palisade.Cwmp.Envelope;
using Palisade.Cwmp.Faults;
using Palisade.Cwmp.Messages;

namespace Palisade.Cwmp.Tests.Codec;

public sealed class ParserBehaviourTests
{
    private const string Head = """<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:cwmp="urn:dslforum-org:cwmp-1-0"><soap:Body>""";
    private const string Tail = "</soap:Body></soap:Envelope>";

    [Theory]
    [InlineData("")]
    [InlineData("   \r\n\t ")]
    public void Empty_post_is_the_empty_envelope(string body)
    {
        var envelope = CwmpReader.Parse(Encoding.UTF8.GetBytes(body));

        Assert.Same(CwmpEnvelope.Empty, envelope);
        Assert.True(envelope.IsEmpty);
    }

    [Fact]
    public void Inform_without_DeviceId_is_rejected_with_8003()
    {
        var error = Reject("<cwmp:Inform><Event><EventStruct><EventCode>1 BOOT</EventCode></EventStruct></Event></cwmp:Inform>");

        Assert.Equal(CwmpErrorReason.InvalidArguments, error.Reason);
        Assert.Equal(FaultCode.AcsInvalidArguments, error.FaultCodeFor(CwmpRole.Acs));
        Assert.Contains("DeviceId", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Inform_without_events_is_rejected()
    {
        var error = Reject("<cwmp:Inform><DeviceId><OUI>00D09E</OUI><SerialNumber>S</SerialNumber></DeviceId></cwmp:Inform>");

        Assert.Contains("Event", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Inform_without_the_optional_fields_gets_the_standard_defaults()
    {
        var inform = Assert.IsType<InformRequest>(Parse("<cwmp:Inform><DeviceId><OUI>00D09E</OUI><SerialNumber>S1</SerialNumber></DeviceId><Event/></cwmp:Inform>").Body);

        Assert.Equal(1u, inform.MaxEnvelopes);
        Assert.Equal(0u, inform.RetryCount);
        Assert.Empty(inform.Events);
        Assert.Empty(inform.ParameterList);
        Assert.Equal(string.Empty, inform.DeviceId.Manufacturer);
    }

    [Fact]
    public void Whitespace_is_kept_inside_values_and_passed_over_between_elements()
    {
        // Pretty-printed as many CPEs send it, with a value of three spaces and one of a tab.
        var response = Assert.IsType<GetParameterValuesResponse>(Parse("""

              <cwmp:GetParameterValuesResponse>
                <ParameterList>
                  <ParameterValueStruct>
                    <Name>Device.WiFi.SSID.1.SSID</Name>
                    <Value xsi:type="xsd:string">   </Value>
                  </ParameterValueStruct>
                  <ParameterValueStruct>
                    <Name>Device.DeviceInfo.Manufacturer</Name>
                    <Value xsi:type="xsd:string">	</Value>
                  </ParameterValueStruct>
                </ParameterList>
              </cwmp:GetParameterValuesResponse>

            """).Body);

        Assert.Equal(["Device.WiFi.SSID.1.SSID", "Device.DeviceInfo.Manufacturer"], response.ParameterList.Select(p => p.Name));
        Assert.Equal(["   ", "\t"], response.ParameterList.Select(p => p.Value.Text));
    }

    [Fact]
    public void A_value_that_does_not_fit_its_declared_type_is_an_error_not_a_default()
    {
        var error = Reject("""<cwmp:GetParameterValuesResponse><ParameterList><ParameterValueStruct><Name>Device.X</Name><Value xsi:type="xsd:unsignedInt">-5</Value></ParameterValueStruct></ParameterList></cwmp:GetParameterValuesResponse>""");

        Assert.Equal(CwmpErrorReason.InvalidArguments, error.Reason);
        Assert.Contains("unsignedInt", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("<cwmp:AddObject><ObjectName>Device.IP.Interface.</ObjectName><ObjectName>Device.X.</ObjectName></cwmp:AddObject>")]
    [InlineData("<cwmp:GetParameterValues><ParameterNames/><ParameterNames/></cwmp:GetParameterValues>")]
    public void A_repeated_element_is_rejected(string body)
    {
        Assert.Equal(CwmpErrorReason.InvalidArguments, Reject(body).Reason);
    }

    [Fact]
    public void Two_messages_in_one_body_are_rejected()
    {
        Assert.Equal(CwmpErrorReason.InvalidArguments, Reject("<cwmp:GetRPCMethods/><cwmp:GetRPCMethods/>").Reason);
    }

    [Fact]
    public void Text_where_elements_belong_is_rejected()
    {
        Assert.Equal(CwmpErrorReason.InvalidArguments, Reject("<cwmp:GetParameterValues>junk<ParameterNames/></cwmp:GetParameterValues>").Reason);
    }

    [Fact]
    public void Non_numeric_status_is_rejected()
    {
        var error = Reject("<cwmp:SetParameterValuesResponse><Status>ok</Status></cwmp:SetParameterValuesResponse>");

        Assert.Contains("Status", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Soap_fault_with_set_parameter_values_details_is_read()
    {
        var body = """<soap:Fault><faultcode>Client</faultcode><faultstring>CWMP fault</faultstring><detail><cwmp:Fault><FaultCode>9003</FaultCode><FaultString>Invalid arguments</FaultString><SetParameterValuesFault><ParameterName>Device.A</ParameterName><FaultCode>9007</FaultCode><FaultString>bad</FaultString></SetParameterValuesFault><SetParameterValuesFault><ParameterName>Device.B</ParameterName><FaultCode>9008</FaultCode><FaultString>read-only</FaultString></SetParameterValuesFault></cwmp:Fault></detail></soap:Fault>""";

        var fault = Assert.IsType<CwmpFault>(Parse(body).Body);

        Assert.Equal(9003, fault.FaultCode);
        Assert.Equal(["Device.A", "Device.B"], fault.SetParameterValuesFaults.Select(f => f.ParameterName));
        Assert.Equal(9008, fault.SetParameterValuesFaults[1].FaultCode);
    }

    [Fact]
    public void Soap_fault_without_a_cwmp_detail_is_rejected()
    {
        Assert.Equal(CwmpErrorReason.InvalidArguments, Reject("<soap:Fault><faultcode>Server</faultcode><faultstring>oops</faultstring></soap:Fault>").Reason);
    }

    [Fact]
    public void Version_is_taken_from_the_method_namespace()
    {
        var body = """<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" xmlns:cwmp="urn:dslforum-org:cwmp-1-2"><soap:Body><cwmp:GetRPCMethods/></soap:Body></soap:Envelope>""";

        Assert.Equal(CwmpVersion.V1_2, CwmpReader.Parse(Encoding.UTF8.GetBytes(body)).Version);
    }

    [Fact]
    public void Unknown_header_elements_are_ignored()
    {
        var body = """<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" xmlns:cwmp="urn:dslforum-org:cwmp-1-0"><soap:Header><v:Trace xmlns:v="urn:vendor">x</v:Trace><cwmp:ID>5</cwmp:ID></soap:Header><soap:Body><cwmp:GetRPCMethods/></soap:Body></soap:Envelope>""";

        Assert.Equal("5", CwmpReader.Parse(Encoding.UTF8.GetBytes(body)).Header.Id);
    }

    [Fact]
    public void Messages_carry_the_names_and_direction_of_their_elements()
    {
        Assert.Equal("Inform", Support.Samples.Inform().MethodName);
        Assert.False(Support.Samples.Inform().IsResponse);
        Assert.True(new InformResponse(1).IsResponse);
        Assert.Equal("Fault", new CwmpFault(9002).MethodName);
    }

    [Fact]
    public void Fault_code_constants_describe_themselves_and_classify_client_faults()
    {
        Assert.Equal("Invalid parameter name", FaultCode.Describe(FaultCode.InvalidParameterName));
        Assert.Equal("Vendor-specific fault", FaultCode.Describe(9850));
        Assert.True(new CwmpFault(FaultCode.InvalidParameterValue).IsClientFault);
        Assert.False(new CwmpFault(FaultCode.InternalError).IsClientFault);
        Assert.False(FaultCode.IsValid(7000));
    }

    private static CwmpEnvelope Parse(string body) => CwmpReader.Parse(Encoding.UTF8.GetBytes(Head + body + Tail));

    private static CwmpException Reject(string body) => Assert.Throws<CwmpException>(() => Parse(body));
}
